#include "harness/bed_teardown.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "harness/netns_ops.h"
#include "harness/sysctls.h"

namespace wgmesh::testbed {
namespace {

void remove_bed_files(const BedLayout& layout) {
  std::error_code ec;
  if (layout.owns_dir) {
    std::filesystem::remove_all(layout.dir, ec);
  } else {
    // A directory the caller gave us: remove only what the bed put there.
    for (const auto& h : layout.hosts) std::filesystem::remove_all(h.dir, ec);
    std::filesystem::remove(layout.dir + "/" + kStateFile, ec);
    std::filesystem::remove(layout.dir, ec);  // only if now empty
  }
}

}  // namespace

void teardown_layout(const BedLayout& layout, bool keep_dir) noexcept {
  try {
    const auto names = layout.namespaces();
    std::vector<pid_t> pids;
    for (const auto& [name, in_ns] : pids_in_netns(names)) {
      pids.insert(pids.end(), in_ns.begin(), in_ns.end());
    }
    terminate_pids(pids, std::chrono::milliseconds(2000));
    delete_netns(names);
    for (const auto& name : names) {
      if (netns_exists(name)) std::cerr << "testbed: could not delete namespace " << name << "\n";
    }
    restore_sysctls(layout.dir + "/" + kSysctlRestoreFile);
    if (!keep_dir) {
      remove_bed_files(layout);
    } else {
      std::cerr << "testbed: WGMESH_KEEP_BED: keeping " << layout.dir << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "testbed: teardown of " << layout.prefix << ": " << e.what() << "\n";
  }
}

std::string teardown_script(const BedLayout& layout, bool keep_dir) {
  if (!valid_prefix(layout.prefix) || layout.dir.find('\'') != std::string::npos) {
    throw std::invalid_argument("teardown_script: unsafe prefix or dir");
  }
  const std::string match = layout.prefix + "-*";
  const std::string dir = "'" + layout.dir + "'";
  std::string script =
      "beds=; for ns in $(ls /run/netns 2>/dev/null); do case $ns in " + match +
      ") beds=\"$beds $ns\";; esac; done\n"
      "for ns in $beds; do for p in $(ip netns pids $ns 2>/dev/null); do kill -9 $p; done; done\n"
      "for ns in $beds; do ip netns del $ns; done\n"
      "if [ -f " +
      dir + "/" + kSysctlRestoreFile +
      " ]; then\n"
      "  while read k v; do echo $v > /proc/sys/$(echo $k | tr . /); done < " +
      dir + "/" + kSysctlRestoreFile +
      "\n"
      "  rm -f " +
      dir + "/" + kSysctlRestoreFile +
      "\n"
      "fi\n";
  if (!keep_dir) {
    if (layout.owns_dir) {
      script += "rm -rf " + dir + "\n";
    } else {
      for (const auto& h : layout.hosts) script += "rm -rf '" + h.dir + "'\n";
      script += "rm -f " + dir + "/" + kStateFile + "; rmdir " + dir + " 2>/dev/null\n";
    }
  }
  return script;
}

}  // namespace wgmesh::testbed
