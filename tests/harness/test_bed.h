// A bed of test hosts: a "switch" namespace with bridge br0 and N host namespaces
// "<prefix>-h<i>" attached by veth (eth0), optionally some behind their own NAT router
// namespace "<prefix>-r<i>". RAII: the destructor stops every program started in the bed,
// then everything still running in its namespaces, deletes the namespaces (hosts, routers,
// switch), restores sysctls and removes the bed directory (kept with WGMESH_KEEP_BED=1).
// A fatal signal runs the same cleanup (signal_cleanup.h). Needs root.
//
//   TestBed bed({.n_hosts = 3});
//   EXPECT_TRUE(ping(bed.host(1), bed.host(2).ipv4(), 5s));
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "harness/bed_layout.h"
#include "harness/bed_options.h"
#include "harness/test_host.h"

namespace wgmesh::testbed {

namespace signal_cleanup {
class Script;
}
class ProcessTracker;

class TestBed {
 public:
  using Options = BedOptions;

  // Builds the whole bed; on failure removes what was built and throws.
  explicit TestBed(Options options = {});
  ~TestBed();
  TestBed(const TestBed&) = delete;
  TestBed& operator=(const TestBed&) = delete;

  int size() const { return static_cast<int>(hosts_.size()); }
  TestHost& host(int index);  // 1-based; throws std::out_of_range
  const BedLayout& layout() const { return layout_; }
  const std::string& prefix() const { return layout_.prefix; }
  const std::string& dir() const { return layout_.dir; }
  const std::string& switch_netns() const { return layout_.switch_netns; }
  // The NAT router in front of a host; throws std::out_of_range for a public host.
  const RouterInfo& router(int host_index) const;

  // Switches the NAT in front of `host_index` (fullcone forwards udp/`port` to the host),
  // flushing its conntrack table.
  void nat_mode(int host_index, NatType type, int port = 51820);
  bool conntrack_flush(int host_index);

  // Idempotent; the destructor calls it. Never throws (problems go to stderr).
  void teardown() noexcept;
  // Leaves the bed up (namespaces, directory) and forgets it: for the CLI, whose state file
  // lets a later `down` tear it down. Programs started through the bed are still stopped.
  BedLayout release();

  // The teardown of a bed known only by its layout (the CLI's `down`, after a crash).
  static void teardown_layout(const BedLayout& layout, bool keep_dir) noexcept;

  // Wall time the constructor took to build the bed.
  std::chrono::milliseconds setup_time() const { return setup_time_; }

 private:
  void build();

  BedLayout layout_;
  bool keep_dir_ = false;
  bool torn_down_ = false;
  std::shared_ptr<ProcessTracker> tracker_;
  std::unique_ptr<signal_cleanup::Script> cleanup_script_;
  std::vector<TestHost> hosts_;
  NeighLimits neigh_limits_;
  std::chrono::milliseconds setup_time_{0};
};

}  // namespace wgmesh::testbed
