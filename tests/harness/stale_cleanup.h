// Removing what crashed runs left behind: namespaces (and the processes still inside them),
// bed temp directories, and raised sysctls recorded in those directories. A bed whose
// process was killed with SIGKILL (e.g. a runner's hard timeout) leaves its namespaces; its
// programs died with it through PR_SET_PDEATHSIG.
//
// Ownership rule: a bed named "wgm<pid>" or "wgm<pid>x<k>" (the default prefix) belongs to
// process <pid>, and is left alone while that process lives. Any other bed matching the
// prefix is treated as stale, so pass a specific prefix when other beds may be running.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wgmesh::testbed {

struct StaleCleanupReport {
  std::vector<std::string> namespaces;    // deleted
  std::vector<pid_t> killed;              // processes that were still inside them
  std::vector<std::string> dirs;          // bed directories removed
  std::vector<std::string> skipped_live;  // bed prefixes whose owner is alive
};

// Everything whose name starts with `prefix`, except live default-named beds.
StaleCleanupReport cleanup_stale(const std::string& prefix);

// Only default-named beds whose process is gone; their directories are kept (they may be
// wanted for debugging) but sysctls recorded there are restored. Safe at any time from any
// test process: TestBed runs it on construction.
StaleCleanupReport sweep_dead_beds();

// "wgm123-h4" -> "wgm123" (the name up to its last '-').
std::string bed_prefix_of(std::string_view netns_name);
// "wgm123" / "wgm123x2" -> 123; empty for other names.
std::optional<pid_t> owner_pid(std::string_view bed_prefix);
// Where beds make their temp directories: $TMPDIR, or /tmp if unset or under /run (a
// private /run would hide it from the bed's own programs).
std::string bed_tmp_root();
// "<tmp root>/wgmesh-bed-<prefix>-XXXXXX" is a bed directory of `prefix`.
constexpr std::string_view kBedDirStem = "wgmesh-bed-";

}  // namespace wgmesh::testbed
