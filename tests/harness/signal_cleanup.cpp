#include "harness/signal_cleanup.h"

#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <stdexcept>

namespace wgmesh::testbed::signal_cleanup {
namespace {

constexpr std::size_t kMaxPids = 1024;
constexpr std::size_t kMaxScripts = 64;
constexpr std::array kSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT};

std::array<std::atomic<pid_t>, kMaxPids> g_pids{};
std::array<std::atomic<const char*>, kMaxScripts> g_scripts{};
std::array<struct sigaction, 65> g_previous{};
static_assert(std::atomic<pid_t>::is_always_lock_free);
static_assert(std::atomic<const char*>::is_always_lock_free);

// Raw clone/execve/wait4: the sanitizer runtimes intercept fork() and take allocator locks
// there, which could deadlock if the signal interrupted malloc.
void run_script(const char* text) noexcept {
  long child = ::syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
  if (child == 0) {
    const char* argv[] = {"sh", "-c", text, nullptr};
    const char* envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", nullptr};
    ::syscall(SYS_execve, "/bin/sh", argv, envp);
    ::syscall(SYS_exit_group, 127);
  }
  if (child < 0) return;
  while (::syscall(SYS_wait4, child, nullptr, 0, nullptr) < 0 && errno == EINTR) {
  }
}

void on_signal(int sig) {
  const int saved_errno = errno;
  for (auto& slot : g_pids) {
    pid_t pid = slot.load();
    if (pid > 0) ::kill(pid, SIGKILL);
  }
  for (auto& slot : g_scripts) {
    const char* text = slot.load();
    if (text != nullptr) run_script(text);
  }
  // The signal is blocked while we run; once we return it is delivered again under the
  // previous disposition (default: terminate, with the usual exit status).
  ::sigaction(sig, &g_previous[static_cast<std::size_t>(sig)], nullptr);
  ::raise(sig);
  errno = saved_errno;
}

}  // namespace

void track_pid(pid_t pid) noexcept {
  for (auto& slot : g_pids) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, pid)) return;
  }
}

void untrack_pid(pid_t pid) noexcept {
  for (auto& slot : g_pids) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

Script::Script(std::string text) : text_(std::move(text)), slot_(kMaxScripts) {
  for (std::size_t i = 0; i < kMaxScripts; ++i) {
    const char* expected = nullptr;
    if (g_scripts[i].compare_exchange_strong(expected, text_.c_str())) {
      slot_ = i;
      return;
    }
  }
  throw std::runtime_error("signal_cleanup: too many live test beds");
}

Script::~Script() { g_scripts[slot_].store(nullptr); }

void install_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : kSignals) {
      struct sigaction previous {};
      if (::sigaction(sig, nullptr, &previous) != 0) continue;
      if (previous.sa_handler == SIG_IGN) continue;
      g_previous[static_cast<std::size_t>(sig)] = previous;
      struct sigaction action {};
      action.sa_handler = on_signal;
      ::sigemptyset(&action.sa_mask);
      for (int other : kSignals) ::sigaddset(&action.sa_mask, other);
      ::sigaction(sig, &action, nullptr);
    }
  });
}

BlockAllSignals::BlockAllSignals() {
  sigset_t all;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous_);
}

BlockAllSignals::~BlockAllSignals() { ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

void reset_signals_in_child() noexcept {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);  // fails for KILL/STOP
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace wgmesh::testbed::signal_cleanup
