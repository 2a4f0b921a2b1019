#include "program_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace wgmesh::cli {
namespace {

// posix_spawn_file_actions_t with guaranteed cleanup.
class SpawnActions {
 public:
  SpawnActions() { ::posix_spawn_file_actions_init(&actions_); }
  ~SpawnActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

// Go's signal text ("killed", "terminated", "segmentation fault"): strsignal, lower-cased.
std::string signal_name(int sig) {
  std::string name = ::strsignal(sig);
  if (!name.empty()) name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
  return name;
}

}  // namespace

Status run_program(const std::vector<std::string>& argv, ChildStderr stderr_mode) {
  if (argv.empty()) return Error{"no program to run"};
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  SpawnActions actions;
  ::posix_spawn_file_actions_addopen(actions.get(), STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  if (stderr_mode == ChildStderr::kDiscard)
    ::posix_spawn_file_actions_addopen(actions.get(), STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const bool search = argv[0].find('/') == std::string::npos;
  int rc =
      search ? ::posix_spawnp(&pid, argv[0].c_str(), actions.get(), nullptr, cargv.data(), environ)
             : ::posix_spawn(&pid, argv[0].c_str(), actions.get(), nullptr, cargv.data(), environ);
  if (rc != 0) {
    if (search && rc == ENOENT)
      return Error{"exec: \"" + argv[0] + "\": executable file not found in $PATH"};
    return Error{"fork/exec " + argv[0] + ": " + std::strerror(rc)};
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Error{std::string("wait: ") + std::strerror(errno)};
  }
  if (WIFEXITED(status)) {
    if (WEXITSTATUS(status) == 0) return {};
    return Error{"exit status " + std::to_string(WEXITSTATUS(status))};
  }
  if (WIFSIGNALED(status)) return Error{"signal: " + signal_name(WTERMSIG(status))};
  return Error{"exited abnormally"};
}

}  // namespace wgmesh::cli
