// Polling helper for conditions that have no event to wait on (a socket file appearing, a
// handshake completing, a log line).
#pragma once

#include <chrono>
#include <functional>

namespace wgmesh::testbed {

// Calls `predicate` until it returns true (then true) or `timeout` passes (then false). The
// predicate runs at least once, and once more at the deadline.
bool wait_until(const std::function<bool()>& predicate, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll_interval = std::chrono::milliseconds(50));

}  // namespace wgmesh::testbed
