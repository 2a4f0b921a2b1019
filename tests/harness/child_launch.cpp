#include "harness/child_launch.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "harness/signal_cleanup.h"
#include "harness/subprocess.h"
#include "harness/unique_fd.h"

extern char** environ;

namespace wgmesh::testbed::detail {
namespace {

// What the child writes to the error pipe if it cannot exec. `step` points at a string
// literal, valid in the parent too (same image after fork).
struct ExecFailure {
  int error;
  const char* step;
};

std::vector<std::string> merged_environment(const std::vector<std::string>& overrides) {
  std::vector<std::string> env;
  auto key_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    bool replaced = false;
    for (const auto& o : overrides) replaced = replaced || key_of(o) == key_of(entry);
    if (!replaced) env.push_back(std::move(entry));
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

[[noreturn]] void fail_in_child(int error_fd, int error, const char* step) noexcept {
  ExecFailure failure{error, step};
  [[maybe_unused]] ssize_t n = ::write(error_fd, &failure, sizeof failure);
  ::_exit(127);
}

[[noreturn]] void child_main(const LaunchSpec& spec, const PreparedEntry& entry, const char* path,
                             char* const* argv, char* const* envp, pid_t parent,
                             int error_fd) noexcept {
  // Own process group: a timeout kills the whole command; a terminal's Ctrl-C reaches only
  // the test process, whose handler then cleans up in order.
  if (::setpgid(0, 0) != 0) fail_in_child(error_fd, errno, "setpgid");
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail_in_child(error_fd, errno, "prctl");
  if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
  // Exec resets caught signals but not ignored ones nor the mask (all blocked by the parent
  // around fork, so that no signal ran the parent's cleanup handler in here).
  signal_cleanup::reset_signals_in_child();
  if (::dup2(spec.stdin_fd, 0) < 0 || ::dup2(spec.stdout_fd, 1) < 0 ||
      ::dup2(spec.stderr_fd, 2) < 0) {
    fail_in_child(error_fd, errno, "dup2");
  }
  // Descriptors the test process opened without O_CLOEXEC must not leak into daemons.
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
    fail_in_child(error_fd, errno, "close_range");
  const char* step = "";
  if (int err = entry.enter(&step); err != 0) fail_in_child(error_fd, err, step);
  if (!spec.cwd.empty() && ::chdir(spec.cwd.c_str()) != 0) fail_in_child(error_fd, errno, "chdir");
  ::execve(path, argv, envp);
  fail_in_child(error_fd, errno, "execve");
}

}  // namespace

pid_t launch_child(const LaunchSpec& spec) {
  if (spec.argv.empty()) throw std::invalid_argument("launch_child: empty argv");
  const std::string path = find_program(spec.argv[0]);
  if (path.empty()) throw std::runtime_error("program not found: " + spec.argv[0]);
  PreparedEntry entry = PreparedEntry::prepare(spec.ns);
  std::vector<std::string> argv_strings = spec.argv;
  std::vector<std::string> env_strings = merged_environment(spec.env);
  std::vector<char*> argv = pointers(argv_strings);
  std::vector<char*> envp = pointers(env_strings);

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  UniqueFd error_read(pipe_fds[0]);
  UniqueFd error_write(pipe_fds[1]);

  const pid_t parent = ::getpid();
  pid_t pid;
  {
    signal_cleanup::BlockAllSignals blocked;
    pid = ::fork();
    if (pid == 0) {
      child_main(spec, entry, path.c_str(), argv.data(), envp.data(), parent, error_write.get());
    }
  }
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  signal_cleanup::track_pid(pid);
  ::setpgid(pid, pid);  // also from here, so a kill(-pid) right after return cannot miss
  error_write.reset();

  ExecFailure failure{};
  ssize_t n;
  do {
    n = ::read(error_read.get(), &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  if (n == 0) return pid;  // the pipe closed on exec: the program runs

  int wait_status = 0;
  ::waitpid(pid, &wait_status, 0);
  signal_cleanup::untrack_pid(pid);
  std::string why = n == static_cast<ssize_t>(sizeof failure)
                        ? std::string(failure.step) + ": " + std::strerror(failure.error)
                        : "child failed before exec";
  throw std::runtime_error("cannot start " + join_argv(spec.argv) + ": " + why);
}

}  // namespace wgmesh::testbed::detail
