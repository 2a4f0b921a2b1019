#include "wireguard/userspace_supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

extern char** environ;

namespace wgmesh::wg {
namespace {

using Clock = std::chrono::steady_clock;

std::string errno_message(int err) { return std::strerror(err); }

// Owns a file descriptor for the duration of a scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// An fd number above stdin/stdout/stderr, so the child's dup2() onto 0-2 cannot clobber it
// (possible if the daemon runs with a standard descriptor closed). Returns -1 on failure.
int above_stdio(int fd) {
  if (fd < 0 || fd > 2) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  ::close(fd);
  return moved;
}

// fork + execve. Between the two, the child makes only async-signal-safe system calls: the
// daemon is multi-threaded, and in the child only the forking thread exists (any lock another
// thread held stays locked forever). An exec failure comes back through a CLOEXEC pipe.
Result<pid_t> fork_exec(const char* path, char* const argv[], char* const envp[], int log_fd,
                        bool die_with_parent) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return Error{std::string("pipe: ") + std::strerror(errno)};
  const int err_r = above_stdio(p[0]), err_w = above_stdio(p[1]);
  if (err_r < 0 || err_w < 0) {
    if (err_r >= 0) ::close(err_r);
    if (err_w >= 0) ::close(err_w);
    return Error{"cannot allocate a pipe"};
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(err_r);
    ::close(err_w);
    return Error{std::string("fork: ") + std::strerror(err)};
  }
  if (pid == 0) {
    const auto fail = [err_w](int e) {
      (void)!::write(err_w, &e, sizeof e);
      ::_exit(127);
    };
    if (die_with_parent) {
      // If the daemon dies without stopping us (crash, SIGKILL), do not linger holding the
      // interface name: wireguard-go cleans up on SIGTERM.
      if (::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) fail(errno);
      if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    }
    // Own process group: a Ctrl-C on the daemon's terminal reaches the daemon only, which then
    // stops the child in order instead of both racing to exit.
    ::setpgid(0, 0);
    // The daemon may ignore SIGPIPE or block signals for its loop; the child must not inherit.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig)
      if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull < 0) fail(errno);
    if (::dup2(devnull, 0) < 0 || ::dup2(log_fd, 1) < 0 || ::dup2(log_fd, 2) < 0) fail(errno);
    // Whatever the daemon holds open without O_CLOEXEC (plugin sockets, the control socket)
    // must not leak into a long-lived child. err_w stays until execve closes it.
    if (err_w > 3) ::syscall(SYS_close_range, 3u, static_cast<unsigned>(err_w - 1), 0u);
    ::syscall(SYS_close_range, static_cast<unsigned>(err_w + 1), ~0u, 0u);
    ::execve(path, argv, envp);
    fail(errno);
  }
  ::close(err_w);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(err_r, &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(err_r);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    ::waitpid(pid, nullptr, 0);
    return Error{std::strerror(child_errno)};
  }
  return pid;
}

std::string describe_wait_status(int st) {
  if (st == -1) return "exited (status unknown: already reaped elsewhere)";
  if (WIFEXITED(st)) return "exited with status " + std::to_string(WEXITSTATUS(st));
  if (WIFSIGNALED(st)) return "killed by signal " + std::to_string(WTERMSIG(st));
  return "stopped";
}

}  // namespace

bool uapi_socket_live(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return false;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return false;
  return ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
}

std::string find_program(const std::string& program) {
  if (program.empty()) return {};
  if (program.find('/') != std::string::npos)
    return ::access(program.c_str(), X_OK) == 0 ? program : std::string{};
  const char* path_env = std::getenv("PATH");
  const std::string path = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto colon = std::min(path.find(':', start), path.size());
    std::string dir = path.substr(start, colon - start);
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = colon + 1;
  }
  return {};
}

UserspaceSupervisor::UserspaceSupervisor(SupervisorOptions options)
    : options_(std::move(options)) {}

UserspaceSupervisor::~UserspaceSupervisor() { (void)stop(); }

std::string UserspaceSupervisor::socket_path() const {
  return options_.socket_dir + "/" + options_.ifname + ".sock";
}

std::string UserspaceSupervisor::exit_description() const {
  return wait_status_ ? describe_wait_status(*wait_status_) : std::string{};
}

void UserspaceSupervisor::reaped(int wait_status) {
  wait_status_ = wait_status;
  if (pidfd_ >= 0) ::close(pidfd_);
  pidfd_ = -1;
}

bool UserspaceSupervisor::running() {
  if (pid_ <= 0 || wait_status_) return false;
  int st = 0;
  const pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == 0) return true;
  // ECHILD: someone else reaped it (SIGCHLD set to SIG_IGN, or a waitpid(-1) elsewhere).
  reaped(r == pid_ ? st : -1);
  return false;
}

std::string UserspaceSupervisor::log_tail() const {
  if (options_.log_path.empty()) return {};
  Fd fd(::open(options_.log_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return {};
  const off_t size = ::lseek(fd.get(), 0, SEEK_END);
  const off_t from = std::max<off_t>(0, size - 1024);
  std::string buf(static_cast<std::size_t>(size - from), '\0');
  const ssize_t n = ::pread(fd.get(), buf.data(), buf.size(), from);
  buf.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  // Keep the last few non-blank lines, joined, so the message fits in one log line.
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < buf.size()) {
    auto nl = buf.find('\n', pos);
    if (nl == std::string::npos) nl = buf.size();
    std::string line = buf.substr(pos, nl - pos);
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(std::move(line));
    pos = nl + 1;
  }
  std::string out;
  const std::size_t first = lines.size() > 3 ? lines.size() - 3 : 0;
  for (std::size_t i = first; i < lines.size(); ++i) out += (out.empty() ? "" : " | ") + lines[i];
  return out;
}

Status UserspaceSupervisor::spawn() {
  const std::string program_path = find_program(options_.program);
  if (program_path.empty())
    return Error{"userspace WireGuard program '" + options_.program +
                 "' not found in PATH (install wireguard-go or set the program path)"};

  std::vector<std::string> args;
  if (!options_.netns.empty()) {
    const std::string ip = find_program(options_.ip_program);
    if (ip.empty()) return Error{"'" + options_.ip_program + "' not found in PATH"};
    args = {ip, "netns", "exec", options_.netns, program_path, "-f", options_.ifname};
  } else {
    args = {program_path, "-f", options_.ifname};
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // Environment: ours, minus anything we set explicitly.
  std::vector<std::string> env_own = {"LOG_LEVEL=" + options_.log_level};
  for (const auto& e : options_.extra_env) env_own.push_back(e);
  const auto overridden = [&env_own](const char* entry) {
    const char* eq = std::strchr(entry, '=');
    const std::size_t klen = eq != nullptr ? static_cast<std::size_t>(eq - entry) : 0;
    return std::any_of(env_own.begin(), env_own.end(), [&](const std::string& own) {
      return own.size() > klen && own[klen] == '=' && own.compare(0, klen, entry, klen) == 0;
    });
  };
  std::vector<char*> envp;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    if (!overridden(*e)) envp.push_back(*e);
  for (auto& e : env_own) envp.push_back(e.data());
  envp.push_back(nullptr);

  const std::string log = options_.log_path.empty() ? "/dev/null" : options_.log_path;
  Fd log_fd(::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (log_fd.get() < 0) return Error{"cannot open log file " + log + ": " + errno_message(errno)};

  const int out_fd = above_stdio(log_fd.release());
  if (out_fd < 0) return Error{"cannot open log file " + log + ": " + errno_message(errno)};
  Fd out(out_fd);
  auto pid = fork_exec(argv[0], argv.data(), envp.data(), out.get(), options_.die_with_parent);
  if (!pid) return Error{"cannot start " + args[0] + ": " + pid.message()};
  pid_ = *pid;
  wait_status_.reset();
  // Via syscall(): glibc 2.36's <sys/pidfd.h> lacks C linkage for C++. -1 on old kernels.
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  return {};
}

Status UserspaceSupervisor::start() {
  if (running()) return {};
  if (!is_valid_ifname(options_.ifname))
    return Error{"invalid interface name '" + options_.ifname + "'"};
  const std::string sock = socket_path();
  if (uapi_socket_live(sock))
    return Error{"interface " + options_.ifname + " is already served on " + sock +
                 " by another process"};
  if (auto st = spawn(); !st) return st;

  const auto deadline = Clock::now() + options_.ready_timeout;
  while (true) {
    if (!running()) {
      std::string msg = options_.program + " for " + options_.ifname + " " + exit_description() +
                        " before creating " + sock;
      if (auto tail = log_tail(); !tail.empty()) msg += "; log: " + tail;
      return Error{msg};
    }
    if (uapi_socket_live(sock)) return {};
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  (void)stop();
  std::string msg = options_.program + " for " + options_.ifname + " did not create " + sock +
                    " within " + std::to_string(options_.ready_timeout.count()) + " ms";
  if (auto tail = log_tail(); !tail.empty()) msg += "; log: " + tail;
  return Error{msg};
}

Status UserspaceSupervisor::stop() {
  if (pid_ <= 0 || !running()) {
    if (pidfd_ >= 0) ::close(pidfd_);
    pidfd_ = -1;
    return {};
  }
  ::kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + options_.stop_timeout;
  while (running()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      ::kill(pid_, SIGKILL);
      int st = 0;
      const pid_t r = ::waitpid(pid_, &st, 0);
      reaped(r == pid_ ? st : -1);
      return Error{options_.program + " for " + options_.ifname + " ignored SIGTERM for " +
                   std::to_string(options_.stop_timeout.count()) + " ms; killed"};
    }
    if (pidfd_ >= 0) {
      pollfd p{pidfd_, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(std::min<long>(left.count(), 100)));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  return {};
}

}  // namespace wgmesh::wg
