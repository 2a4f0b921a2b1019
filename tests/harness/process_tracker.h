// The programs a bed started, so teardown can stop them before their namespaces go: a live
// process keeps a deleted namespace (and its TUN device) alive invisibly (testbed.md §2).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

namespace wgmesh::testbed {

namespace detail {
class ChildState;
}

class ProcessTracker {
 public:
  void add(const std::shared_ptr<detail::ChildState>& child);
  // Stops every tracked program still running (in parallel, SIGTERM then SIGKILL).
  void stop_all(std::chrono::milliseconds grace);

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<detail::ChildState>> children_;
};

}  // namespace wgmesh::testbed
