// Starting programs: one-shot commands with captured output and a timeout, and long-running
// programs whose output goes to a log file. Both can run inside a test host's namespaces
// (NamespaceSpec). Children get their own process group (so a timeout kills the whole
// command, pipelines included) and PR_SET_PDEATHSIG=SIGKILL (so nothing outlives a test
// process killed by SIGKILL; note: the signal fires when the *thread* that started the child
// exits, so start long-running programs from a thread that lives as long as they should).
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/namespace_entry.h"
#include "harness/process.h"

namespace wgmesh::testbed {

struct RunOptions {
  NamespaceSpec ns;
  std::chrono::milliseconds timeout{30000};
  std::string input;             // written to the command's stdin (else /dev/null)
  std::string cwd;               // empty: inherit (or the namespace root after join_pid)
  std::vector<std::string> env;  // "KEY=VALUE", added to (or replacing in) our environment
};

struct RunResult {
  int status = -1;     // exit code, 128 + signal, 124 on timeout, 127 if it could not start
  std::string output;  // stdout and stderr, interleaved
  bool timed_out = false;
  bool ok() const { return status == 0; }
};

// Never throws for a failing command: a program that cannot be started gives status 127 and
// the reason in `output`. Returns as soon as the command itself exits, even if a background
// child it left behind still holds the output pipe.
RunResult run_command(const std::vector<std::string>& argv, const RunOptions& options = {});

class CommandError : public std::runtime_error {
 public:
  CommandError(const std::vector<std::string>& argv, const RunResult& result);
  const RunResult& result() const { return result_; }

 private:
  RunResult result_;
};

// run_command(), throwing CommandError unless the status is 0.
RunResult check_command(const std::vector<std::string>& argv, const RunOptions& options = {});

struct SpawnOptions {
  NamespaceSpec ns;
  std::vector<std::string> env;  // "KEY=VALUE", added to (or replacing in) our environment
  std::string log_file;          // stdout + stderr, appended; empty: /dev/null
  std::string cwd;
};

// Starts a long-running program; returns once it has exec'd (its PID is the program's own).
// Throws std::runtime_error naming the failing step if it could not be started.
Process start_process(const std::vector<std::string>& argv, const SpawnOptions& options);

namespace detail {
class ChildState;
// start_process() without the handle, for owners that also keep a weak reference (a bed).
std::shared_ptr<ChildState> start_child(const std::vector<std::string>& argv,
                                        const SpawnOptions& options);
}  // namespace detail

// Like execvp's lookup: the absolute path of `program` (PATH search unless it contains '/'),
// or empty if there is no executable file.
std::string find_program(const std::string& program);

// "ip -n x link" — for messages.
std::string join_argv(const std::vector<std::string>& argv);

}  // namespace wgmesh::testbed
