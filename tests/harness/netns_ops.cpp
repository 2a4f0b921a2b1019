#include "harness/netns_ops.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "harness/signal_cleanup.h"
#include "harness/subprocess.h"
#include "harness/unique_fd.h"

namespace wgmesh::testbed {
namespace {

using Clock = std::chrono::steady_clock;

bool is_gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] == 'Z';
}

// Waits until every pid is gone or the deadline passes; returns those still alive.
std::vector<pid_t> wait_gone(std::vector<pid_t> pids, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    std::erase_if(pids, is_gone);
    if (pids.empty() || Clock::now() >= deadline) return pids;
    // A pidfd per process would let us sleep exactly, but these are few and short-lived.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Only system calls: runs between fork and _exit. Exit code = 1 + index of the failing value.
[[noreturn]] void write_sysctls_in_child(
    int netns_fd, const std::vector<std::pair<std::string, std::string>>& paths) noexcept {
  if (::setns(netns_fd, CLONE_NEWNET) != 0) ::_exit(100);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    int fd = ::open(paths[i].first.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) ::_exit(static_cast<int>(1 + i));
    const std::string& v = paths[i].second;
    if (::write(fd, v.data(), v.size()) != static_cast<ssize_t>(v.size())) {
      ::_exit(static_cast<int>(1 + i));
    }
    ::close(fd);
  }
  ::_exit(0);
}

std::string sysctl_path(const std::string& key) {
  std::string path = "/proc/sys/" + key;
  std::replace(path.begin() + 10, path.end(), '.', '/');
  return path;
}

}  // namespace

std::vector<std::string> list_netns() {
  std::vector<std::string> names;
  DIR* dir = ::opendir("/run/netns");
  if (dir == nullptr) return names;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

bool netns_exists(const std::string& name) {
  struct stat st {};
  return ::stat(("/run/netns/" + name).c_str(), &st) == 0;
}

std::map<std::string, std::vector<pid_t>> pids_in_netns(const std::vector<std::string>& names) {
  std::map<std::string, std::vector<pid_t>> out;
  std::map<std::pair<dev_t, ino_t>, std::string> by_inode;
  for (const auto& name : names) {
    struct stat st {};
    if (::stat(("/run/netns/" + name).c_str(), &st) == 0) by_inode[{st.st_dev, st.st_ino}] = name;
  }
  if (by_inode.empty()) return out;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return out;
  const pid_t self = ::getpid();
  while (dirent* entry = ::readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || pid == self) continue;
    struct stat st {};
    std::string ns_path = std::string("/proc/") + entry->d_name + "/ns/net";
    if (::stat(ns_path.c_str(), &st) != 0) continue;  // exited meanwhile, or a kernel thread
    auto it = by_inode.find({st.st_dev, st.st_ino});
    if (it != by_inode.end()) out[it->second].push_back(static_cast<pid_t>(pid));
  }
  ::closedir(proc);
  return out;
}

void terminate_pids(const std::vector<pid_t>& pids, std::chrono::milliseconds grace) {
  if (pids.empty()) return;
  for (pid_t pid : pids) ::kill(pid, SIGTERM);
  std::vector<pid_t> left = wait_gone(pids, grace);
  for (pid_t pid : left) ::kill(pid, SIGKILL);
  wait_gone(left, std::chrono::milliseconds(5000));
}

void add_netns(const std::vector<std::string>& names) {
  if (names.empty()) return;
  std::string batch;
  for (const auto& name : names) batch += "netns add " + name + "\n";
  check_command({"ip", "-batch", "-"}, {.input = batch});
}

void delete_netns(const std::vector<std::string>& names) {
  std::string batch;
  for (const auto& name : names) {
    if (netns_exists(name)) batch += "netns del " + name + "\n";
  }
  if (batch.empty()) return;
  run_command({"ip", "-force", "-batch", "-"}, {.input = batch});
}

void write_netns_sysctls(const std::string& netns,
                         const std::vector<std::pair<std::string, std::string>>& values) {
  UniqueFd ns(::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns) throw std::runtime_error("no namespace " + netns);
  std::vector<std::pair<std::string, std::string>> paths;
  for (const auto& [key, value] : values) paths.emplace_back(sysctl_path(key), value);
  pid_t pid;
  {
    // The child keeps every signal blocked: it must not run our cleanup handler, and it only
    // writes a few files before _exit.
    signal_cleanup::BlockAllSignals blocked;
    pid = ::fork();
    if (pid == 0) write_sysctls_in_child(ns.get(), paths);
  }
  if (pid < 0) throw std::runtime_error("fork failed");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::string what = code >= 1 && code <= static_cast<int>(values.size())
                           ? values[static_cast<std::size_t>(code - 1)].first
                           : "setns";
    throw std::runtime_error("cannot set " + what + " in " + netns);
  }
}

}  // namespace wgmesh::testbed
