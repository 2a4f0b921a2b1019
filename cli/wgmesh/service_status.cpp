#include "service_status.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

extern char** environ;

namespace wgmesh::cli {

namespace {
// Trimmed stdout of `systemctl is-active <unit>`, or "" when it fails.
std::string is_active(const std::string& unit) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return "";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::string unit_name = unit;
  std::vector<char*> argv = {const_cast<char*>("systemctl"), const_cast<char*>("is-active"),
                             unit_name.data(), nullptr};
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, "systemctl", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  std::string out;
  if (rc == 0) {
    char buf[256];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (rc != 0) return "";
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '\r')) out.pop_back();
  return out;
}
}  // namespace

std::string service_status() {
  // `wgmesh install-service` installs wgmesh.service (the original's name); the package
  // ships wgmeshd.service. Report whichever is active.
  if (const char* unit = std::getenv("WGMESH_SERVICE_UNIT"); unit && *unit) {
    std::string s = is_active(unit);
    return s.empty() ? "inactive" : s;
  }
  for (const char* unit : {"wgmesh.service", "wgmeshd.service"}) {
    std::string s = is_active(unit);
    if (!s.empty()) return s;
  }
  return "inactive";
}

}  // namespace wgmesh::cli
