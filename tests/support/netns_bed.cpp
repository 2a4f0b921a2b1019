#include "netns_bed.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <sstream>
#include <thread>

namespace wgmesh::test {

CommandResult run_command(const std::vector<std::string>& argv) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {-1, "pipe failed"};
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return {-1, "fork failed"};
  }
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    std::vector<char*> args;
    for (const auto& s : argv) args.push_back(const_cast<char*>(s.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  CommandResult r;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) r.output.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

bool netns_available(std::string& why_not) {
  if (::geteuid() != 0) {
    why_not = "needs root (CAP_NET_ADMIN + CAP_SYS_ADMIN)";
    return false;
  }
  if (run_command({"ip", "-V"}).status != 0) {
    why_not = "needs iproute2 (ip)";
    return false;
  }
  return true;
}

std::unique_ptr<NetnsBed> NetnsBed::create(const std::string& prefix, int hosts,
                                           const std::string& subnet24, std::string& error) {
  auto bed = std::make_unique<NetnsBed>(Token{}, prefix, hosts, subnet24);
  if (!bed->build(error)) return nullptr;  // the destructor removes what was built
  return bed;
}

void NetnsBed::remove_stale(const std::string& stem) {
  CommandResult list = run_command({"ip", "netns", "list"});
  if (list.status != 0) return;
  std::istringstream lines(list.output);
  for (std::string line; std::getline(lines, line);) {
    std::string name = line.substr(0, line.find(' '));  // "name (id: N)"
    if (name.rfind(stem, 0) != 0) continue;
    size_t digits_end = name.find('-', stem.size());
    std::string digits = name.substr(stem.size(), digits_end - stem.size());
    if (digits.empty() || digits_end == std::string::npos ||
        digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9)
      continue;
    pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // still alive
    run_command({"ip", "netns", "del", name});
  }
}

std::string NetnsBed::host_ns(int i) const { return prefix_ + "-h" + std::to_string(i); }
std::string NetnsBed::host_ip(int i) const { return subnet_ + "." + std::to_string(i); }

bool NetnsBed::build(std::string& error) {
  auto step = [&](const std::vector<std::string>& argv) {
    CommandResult r = run_command(argv);
    if (r.status == 0) return true;
    error.clear();
    for (const auto& a : argv) error += a + " ";
    error += "-> " + std::to_string(r.status) + ": " + r.output;
    return false;
  };
  auto add_ns = [&](const std::string& ns) {
    if (!step({"ip", "netns", "add", ns})) return false;
    created_.push_back(ns);
    // DAD off before any interface exists: no "tentative" IPv6 addresses (testbed.md §3).
    return step({"ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                 "net.ipv6.conf.default.accept_dad=0"}) &&
           step({"ip", "-n", ns, "link", "set", "lo", "up"});
  };
  const std::string sw = switch_ns();
  if (!add_ns(sw) ||
      !step({"ip", "-n", sw, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0"}) ||
      !step({"ip", "-n", sw, "link", "set", "br0", "up"}))
    return false;
  for (int i = 1; i <= hosts_; ++i) {
    const std::string ns = host_ns(i);
    // Built by append: GCC 12 -O3 reports a bogus -Wrestrict for "p" + std::to_string(i).
    std::string port = "p";
    port.append(std::to_string(i));
    if (!add_ns(ns) ||
        !step({"ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", port, "netns",
               sw}) ||
        !step({"ip", "-n", sw, "link", "set", port, "master", "br0", "up"}) ||
        !step({"ip", "-n", ns, "addr", "add", host_ip(i) + "/24", "dev", "eth0"}) ||
        !step({"ip", "-n", ns, "link", "set", "eth0", "up"}))
      return false;
  }
  return true;
}

pid_t NetnsBed::fork_in(int i, const std::function<int()>& body) {
  const std::string path = "/run/netns/" + host_ns(i);
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) ::_exit(120);
    ::close(fd);
    int rc = 121;
    try {
      rc = body();
    } catch (...) {
      rc = 122;
    }
    ::_exit(rc);  // never return into the parent's test framework
  }
  if (pid > 0) children_.push_back(pid);
  return pid;
}

int NetnsBed::wait_child(pid_t pid, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int st = 0;
  while (true) {
    pid_t r = ::waitpid(pid, &st, WNOHANG);
    if (r == pid) break;
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &st, 0);
      children_.erase(std::remove(children_.begin(), children_.end(), pid), children_.end());
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  children_.erase(std::remove(children_.begin(), children_.end(), pid), children_.end());
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void NetnsBed::teardown() {
  // Processes first: a live process keeps its namespace alive after "ip netns del".
  for (pid_t pid : children_) ::kill(pid, SIGKILL);
  for (pid_t pid : children_) ::waitpid(pid, nullptr, 0);
  children_.clear();
  for (auto it = created_.rbegin(); it != created_.rend(); ++it)
    run_command({"ip", "netns", "del", *it});
  created_.clear();
}

NetnsBed::~NetnsBed() { teardown(); }

}  // namespace wgmesh::test
