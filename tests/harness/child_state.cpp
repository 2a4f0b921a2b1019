#include "harness/child_state.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include "harness/signal_cleanup.h"

namespace wgmesh::testbed::detail {
namespace {

using Clock = std::chrono::steady_clock;

// After SIGKILL the kernel needs a moment; this bounds the wait so teardown cannot hang on a
// process stuck in uninterruptible sleep.
constexpr std::chrono::milliseconds kKillWait{5000};

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

}  // namespace

int decode_wait_status(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

ChildState::ChildState(pid_t pid, std::string log_file)
    : pid_(pid),
      pidfd_(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))),
      log_file_(std::move(log_file)) {}

ChildState::~ChildState() {
  if (!released_) stop(std::chrono::milliseconds(3000));
}

bool ChildState::exited_unreaped() const {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid_;
}

bool ChildState::wait_exited(std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  while (!exited_unreaped()) {
    int left = remaining_ms(deadline);
    if (left == 0) return false;
    if (pidfd_) {
      pollfd pfd{pidfd_.get(), POLLIN, 0};
      ::poll(&pfd, 1, left);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(left, 10)));
    }
  }
  return true;
}

void ChildState::reap() {
  int wait_status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &wait_status, 0);
  } while (r < 0 && errno == EINTR);
  status_ = r == pid_ ? decode_wait_status(wait_status) : -1;
  signal_cleanup::untrack_pid(pid_);
}

bool ChildState::exited() {
  if (status_) return true;
  if (!exited_unreaped()) return false;
  reap();
  return true;
}

bool ChildState::wait_for(std::chrono::milliseconds timeout) {
  if (status_) return true;
  if (!wait_exited(timeout)) return false;
  reap();
  return true;
}

bool ChildState::send(int sig) {
  if (status_ || released_) return false;  // reaped: the PID may belong to another process
  return ::kill(pid_, sig) == 0;
}

int ChildState::stop(std::chrono::milliseconds grace) {
  if (released_ || status_) return status_.value_or(-1);
  if (!exited_unreaped()) {
    ::kill(pid_, SIGTERM);
    if (!wait_exited(grace)) {
      ::kill(pid_, SIGKILL);
      wait_exited(kKillWait);
    }
  }
  // Helpers the child left in its process group (it leads its own group) go too. Done before
  // reaping: while the leader is an unreaped zombie its PID, and so the group ID, cannot be
  // reused by an unrelated process.
  ::kill(-pid_, SIGKILL);
  reap();
  return status_.value_or(-1);
}

void ChildState::release() {
  released_ = true;
  signal_cleanup::untrack_pid(pid_);
}

void stop_all(const std::vector<std::shared_ptr<ChildState>>& children,
              std::chrono::milliseconds grace) {
  for (const auto& child : children) child->send(SIGTERM);
  const auto deadline = Clock::now() + grace;
  for (const auto& child : children) {
    child->wait_exited(std::chrono::milliseconds(remaining_ms(deadline)));
  }
  for (const auto& child : children) child->stop(std::chrono::milliseconds(0));
}

}  // namespace wgmesh::testbed::detail
