// The shared record of one child process started by the harness. A Process handle owns it;
// the bed that started it keeps a weak reference so teardown can stop it before deleting the
// namespace it runs in, even while a test still holds the handle. Whoever reaps first stores
// the status, so the PID is never waited for (or signalled after reuse) twice.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/unique_fd.h"

namespace wgmesh::testbed::detail {

// Exit code, or 128 + signal number (the shell's convention).
int decode_wait_status(int wait_status);

class ChildState {
 public:
  ChildState(pid_t pid, std::string log_file);
  ~ChildState();  // stops the child (SIGTERM, then SIGKILL) unless released
  ChildState(const ChildState&) = delete;
  ChildState& operator=(const ChildState&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& log_file() const { return log_file_; }
  const std::optional<int>& status() const { return status_; }

  // Reaps without blocking; true once the child has exited.
  bool exited();
  // Waits up to `timeout`; true once the child has exited (and was reaped).
  bool wait_for(std::chrono::milliseconds timeout);
  // False once the child has been reaped (never signals a reused PID).
  bool send(int sig);
  // SIGTERM, wait `grace`, SIGKILL; then SIGKILL to what is left of its process group; reaps.
  // Returns the status.
  int stop(std::chrono::milliseconds grace);
  // Forget the child: no stop on destruction (a deliberately leaked process in a test).
  void release();
  // Waits up to `timeout` for the exit without reaping (the PID stays reserved).
  bool wait_exited(std::chrono::milliseconds timeout) const;

 private:
  bool exited_unreaped() const;
  void reap();

  pid_t pid_;
  UniqueFd pidfd_;  // readable when the child exits; lets waits sleep instead of polling
  std::string log_file_;
  std::optional<int> status_;
  bool released_ = false;
};

// Stops many children in parallel: one SIGTERM round, one shared grace period, then SIGKILL.
void stop_all(const std::vector<std::shared_ptr<ChildState>>& children,
              std::chrono::milliseconds grace);

}  // namespace wgmesh::testbed::detail
