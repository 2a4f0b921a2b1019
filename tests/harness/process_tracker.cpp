#include "harness/process_tracker.h"

#include "harness/child_state.h"

namespace wgmesh::testbed {

void ProcessTracker::add(const std::shared_ptr<detail::ChildState>& child) {
  std::lock_guard lock(mutex_);
  std::erase_if(children_, [](const auto& weak) { return weak.expired(); });
  children_.push_back(child);
}

void ProcessTracker::stop_all(std::chrono::milliseconds grace) {
  std::vector<std::shared_ptr<detail::ChildState>> live;
  {
    std::lock_guard lock(mutex_);
    for (const auto& weak : children_) {
      if (auto child = weak.lock()) live.push_back(std::move(child));
    }
    children_.clear();
  }
  detail::stop_all(live, grace);
}

}  // namespace wgmesh::testbed
