// Helpers for tests (and the wg_apply benchmark) that build throw-away network namespaces:
// run a command, create/destroy a namespace, run C++ code inside one in a forked child.
// Everything is named with the PID so parallel runs do not collide, and destructors tear
// down whatever was created even when a test fails half-way.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace wgmesh::wg::nstest {

struct RunResult {
  int status = -1;  // exit status, 128+signal, or -1 if it could not run
  std::string out;  // stdout and stderr together
};

// fork + execvp with stdout/stderr captured; never goes through a shell.
inline RunResult run(const std::vector<std::string>& argv) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {-1, "pipe failed"};
  const pid_t pid = ::fork();
  if (pid < 0) return {-1, "fork failed"};
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    std::vector<char*> a;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    ::execvp(a[0], a.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  RunResult r;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

inline bool have_program(const std::string& name) {
  return run({"sh", "-c", "command -v " + name}).status == 0;
}

// A named network namespace with loopback up; deleted (after killing anything still
// running in it) on destruction.
class Netns {
 public:
  explicit Netns(std::string name) : name_(std::move(name)) {
    auto r = run({"ip", "netns", "add", name_});
    if (r.status != 0) {
      error_ = "ip netns add " + name_ + ": " + r.out;
      return;
    }
    created_ = true;
    r = run({"ip", "-n", name_, "link", "set", "lo", "up"});
    if (r.status != 0) error_ = "lo up in " + name_ + ": " + r.out;
  }
  ~Netns() {
    if (!created_) return;
    // Safety net: a process that outlived its owner (test crashed mid-way) must not keep the
    // namespace alive. These PIDs live in our own namespace, so they are ours.
    auto pids = run({"ip", "netns", "pids", name_});
    std::istringstream in(pids.out);
    for (pid_t p; in >> p;) ::kill(p, SIGKILL);
    run({"ip", "netns", "del", name_});
  }
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

  bool ok() const { return created_ && error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string error_;
  bool created_ = false;
};

// Runs `fn` in a forked child that joined namespace `ns`, and returns what it returns
// (empty = success by convention), or a description of how the child failed.
inline std::string in_netns(const std::string& ns, const std::function<std::string()>& fn) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    ::close(fds[0]);
    const int fd = ::open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
    std::string result;
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
      result = "setns into " + ns + " failed";
    } else {
      result = fn();
    }
    size_t off = 0;
    while (off < result.size()) {
      const ssize_t n = ::write(fds[1], result.data() + off, result.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    ::_exit(0);  // no atexit handlers, no gtest teardown in the child
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    return out + " [child in " + ns + " died, status " + std::to_string(st) + "]";
  return out;
}

}  // namespace wgmesh::wg::nstest
