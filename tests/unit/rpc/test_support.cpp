#include "test_support.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

namespace wgmesh::test {
namespace {

int64_t now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

TempDir::TempDir() {
  std::string tmpl = "/tmp/wgrpc-XXXXXX";
  if (::mkdtemp(tmpl.data())) path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

LineClient::LineClient(const std::string& socket_path, int timeout_ms) : timeout_ms_(timeout_ms) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    connect_errno_ = errno;
    return;
  }
  fd_ = std::move(fd);
}

bool LineClient::send(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void LineClient::shutdown_write() { ::shutdown(fd_.get(), SHUT_WR); }

std::optional<std::string> LineClient::read_line() {
  int64_t deadline = now_ms() + timeout_ms_;
  for (;;) {
    size_t nl = inbox_.find('\n');
    if (nl != std::string::npos) {
      std::string line = inbox_.substr(0, nl);
      inbox_.erase(0, nl + 1);
      return line;
    }
    if (eof_ || !fd_) return std::nullopt;
    pollfd p{fd_.get(), POLLIN, 0};
    int left = static_cast<int>(deadline - now_ms());
    if (left <= 0 || ::poll(&p, 1, left) <= 0) return std::nullopt;
    char buf[65536];
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      continue;
    }
    inbox_.append(buf, static_cast<size_t>(n));
  }
}

std::string LineClient::call(const std::string& request) {
  if (!send(request + "\n")) return "<send failed>";
  return read_line().value_or("<none>");
}

bool LineClient::closed_by_server(int timeout_ms) {
  int64_t deadline = now_ms() + timeout_ms;
  while (!eof_) {
    pollfd p{fd_.get(), POLLIN, 0};
    int left = static_cast<int>(deadline - now_ms());
    if (left <= 0 || ::poll(&p, 1, left) <= 0) return false;
    char buf[4096];
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n <= 0) eof_ = true;
  }
  return true;
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ProcessResult result;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) return result;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    for (const auto& name : options.unset_env) ::unsetenv(name.c_str());
    for (const auto& [k, v] : options.env) ::setenv(k.c_str(), v.c_str(), 1);
    if (options.gid && (::setgroups(0, nullptr) != 0 || ::setgid(*options.gid) != 0)) ::_exit(126);
    if (options.uid && ::setuid(*options.uid) != 0) ::_exit(126);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  UniqueFd out_fd(out_pipe[0]), err_fd(err_pipe[0]);
  int64_t deadline = now_ms() + options.timeout_ms;
  while (out_fd || err_fd) {
    pollfd fds[2] = {{out_fd.get(), POLLIN, 0}, {err_fd.get(), POLLIN, 0}};
    int left = static_cast<int>(deadline - now_ms());
    if (left <= 0 || ::poll(fds, 2, left) <= 0) {
      ::kill(pid, SIGKILL);
      break;
    }
    char buf[4096];
    for (int i = 0; i < 2; ++i) {
      UniqueFd& fd = i == 0 ? out_fd : err_fd;
      if (!fd || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n <= 0)
        fd.reset();
      else
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

int run_as(uid_t uid, gid_t gid, const std::vector<gid_t>& groups, const std::function<int()>& body,
           const std::function<void()>& on_wait, int timeout_ms) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::setgroups(groups.size(), groups.data()) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)
      ::_exit(120);
    ::_exit(body());
  }
  int64_t deadline = now_ms() + timeout_ms;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (now_ms() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    on_wait();
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace wgmesh::test
