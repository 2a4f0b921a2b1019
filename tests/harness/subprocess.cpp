#include "harness/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "harness/child_launch.h"
#include "harness/child_state.h"
#include "harness/signal_cleanup.h"
#include "harness/unique_fd.h"

namespace wgmesh::testbed {
namespace {

using Clock = std::chrono::steady_clock;

UniqueFd open_dev_null(int flags) {
  UniqueFd fd(::open("/dev/null", flags | O_CLOEXEC));
  if (!fd) throw std::runtime_error("cannot open /dev/null");
  return fd;
}

std::pair<UniqueFd, UniqueFd> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// A command that exits before reading all its input must not kill the test with SIGPIPE:
// write() then fails with EPIPE instead. Children get the default back before exec.
void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    ::sigaction(SIGPIPE, nullptr, &current);
    if (current.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);
  });
}

// Reads what is available without blocking; false on EOF or error.
bool drain(int fd, std::string& out) {
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && errno == EAGAIN;
  }
}

bool child_exited(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

}  // namespace

std::string join_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

std::string find_program(const std::string& program) {
  auto executable = [](const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
  };
  if (program.empty()) return {};
  if (program.find('/') != std::string::npos) return executable(program) ? program : "";
  const char* path_env = std::getenv("PATH");
  std::string path = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  // Root's PATH usually has the sbin directories; make sure ip/nft/sysctl are found anyway.
  path += ":/usr/local/sbin:/usr/sbin:/sbin";
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + program;
    if (executable(candidate)) return candidate;
    start = end + 1;
  }
  return {};
}

RunResult run_command(const std::vector<std::string>& argv, const RunOptions& options) {
  ignore_sigpipe_once();
  RunResult result;
  auto [out_read, out_write] = make_pipe();
  UniqueFd in_read, in_write;
  if (options.input.empty()) {
    in_read = open_dev_null(O_RDONLY);
  } else {
    std::tie(in_read, in_write) = make_pipe();
  }

  detail::LaunchSpec spec{argv,          options.env,     options.ns,     options.cwd,
                          in_read.get(), out_write.get(), out_write.get()};
  pid_t pid;
  try {
    pid = detail::launch_child(spec);
  } catch (const std::exception& e) {
    result.status = 127;
    result.output = e.what();
    return result;
  }
  out_write.reset();
  in_read.reset();
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  set_nonblocking(out_read.get());
  if (in_write) set_nonblocking(in_write.get());

  std::size_t written = 0;
  const auto deadline = Clock::now() + options.timeout;
  bool exited = false;
  while (!exited) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    pollfd fds[3];
    nfds_t n = 0;
    int out_index = -1, in_index = -1;
    if (out_read) {
      out_index = static_cast<int>(n);
      fds[n++] = {out_read.get(), POLLIN, 0};
    }
    if (in_write) {
      in_index = static_cast<int>(n);
      fds[n++] = {in_write.get(), POLLOUT, 0};
    }
    // Without a pidfd (very old kernel) fall back to a short poll interval.
    if (pidfd) fds[n++] = {pidfd.get(), POLLIN, 0};
    int wait_ms = pidfd ? static_cast<int>(left.count()) : std::min<int>(20, left.count());
    if (::poll(fds, n, wait_ms) < 0 && errno != EINTR) break;
    if (out_index >= 0 && fds[out_index].revents != 0 && !drain(out_read.get(), result.output)) {
      out_read.reset();
    }
    if (in_index >= 0 && fds[in_index].revents != 0) {
      ssize_t w =
          ::write(in_write.get(), options.input.data() + written, options.input.size() - written);
      if (w > 0) written += static_cast<std::size_t>(w);
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == options.input.size()) {
        in_write.reset();  // EOF for the command
      }
    }
    exited = child_exited(pid);
  }
  if (result.timed_out) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  int wait_status = 0;
  while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  signal_cleanup::untrack_pid(pid);
  if (out_read) drain(out_read.get(), result.output);
  result.status = result.timed_out ? 124 : detail::decode_wait_status(wait_status);
  if (result.timed_out) {
    result.output += "\n[harness: timed out after " + std::to_string(options.timeout.count()) +
                     " ms: " + join_argv(argv) + "]";
  }
  return result;
}

CommandError::CommandError(const std::vector<std::string>& argv, const RunResult& result)
    : std::runtime_error("command failed (status " + std::to_string(result.status) +
                         "): " + join_argv(argv) + "\n" + result.output),
      result_(result) {}

RunResult check_command(const std::vector<std::string>& argv, const RunOptions& options) {
  RunResult result = run_command(argv, options);
  if (!result.ok()) throw CommandError(argv, result);
  return result;
}

namespace detail {

std::shared_ptr<ChildState> start_child(const std::vector<std::string>& argv,
                                        const SpawnOptions& options) {
  UniqueFd in = open_dev_null(O_RDONLY);
  UniqueFd log;
  if (options.log_file.empty()) {
    log = open_dev_null(O_WRONLY);
  } else {
    log.reset(::open(options.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!log) {
      throw std::runtime_error("cannot open log " + options.log_file + ": " + std::strerror(errno));
    }
  }
  detail::LaunchSpec spec{argv,     options.env, options.ns, options.cwd,
                          in.get(), log.get(),   log.get()};
  pid_t pid = detail::launch_child(spec);
  return std::make_shared<detail::ChildState>(pid, options.log_file);
}

}  // namespace detail

Process start_process(const std::vector<std::string>& argv, const SpawnOptions& options) {
  return Process(detail::start_child(argv, options));
}

}  // namespace wgmesh::testbed
