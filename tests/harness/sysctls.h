// Machine-wide sysctls a bed may change — today only the neighbour-table limits, which are
// global for all namespaces and settable only from the root namespace (testbed.md §2) — and
// how the original values are remembered: in "<bed dir>/sysctl.restore", so that a normal
// teardown, the signal handler and cleanup_stale() after a crash can all put them back.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wgmesh::testbed {

using SysctlValues = std::vector<std::pair<std::string, std::string>>;

std::optional<std::string> read_sysctl(const std::string& key);  // trimmed
bool write_sysctl(const std::string& key, const std::string& value);

// gc_thresh1/2/3 for IPv4 and IPv6 raised to 4096/8192/16384 where lower. Appends the
// original values to `restore_file` before changing anything; returns them.
SysctlValues raise_neigh_limits(const std::string& restore_file);

// Writes back what `restore_file` lists and deletes the file. Missing file: nothing to do.
void restore_sysctls(const std::string& restore_file);

}  // namespace wgmesh::testbed
