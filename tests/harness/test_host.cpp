#include "harness/test_host.h"

#include "harness/child_state.h"
#include "harness/process_tracker.h"

namespace wgmesh::testbed {
namespace {

std::string program_name(const std::string& argv0) {
  auto slash = argv0.rfind('/');
  return slash == std::string::npos ? argv0 : argv0.substr(slash + 1);
}

}  // namespace

TestHost::TestHost(HostInfo info, std::shared_ptr<ProcessTracker> tracker)
    : info_(std::move(info)), tracker_(std::move(tracker)) {}

std::string TestHost::path(std::string_view file) const {
  return info_.dir + "/" + std::string(file);
}

RunResult TestHost::run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                        const std::string& input) const {
  return run_command(
      argv, {.ns = {.netns = info_.netns}, .timeout = timeout, .input = input, .cwd = info_.dir});
}

RunResult TestHost::check(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const std::string& input) const {
  RunResult result = run(argv, timeout, input);
  if (!result.ok()) throw CommandError(argv, result);
  return result;
}

RunResult TestHost::run_in(const Process& process, const std::vector<std::string>& argv,
                           std::chrono::milliseconds timeout, const std::string& input) const {
  return run_command(
      argv,
      {.ns = {.join_pid = process.pid()}, .timeout = timeout, .input = input, .cwd = info_.dir});
}

Process TestHost::spawn(const std::vector<std::string>& argv, std::vector<std::string> env,
                        std::string log_file) const {
  return spawn_with(argv, {.env = std::move(env), .log_file = std::move(log_file)});
}

Process TestHost::spawn_with(const std::vector<std::string>& argv, HostSpawnOptions options) const {
  if (argv.empty()) throw std::invalid_argument("spawn: empty argv");
  SpawnOptions spawn;
  spawn.ns = {.netns = info_.netns, .private_run = options.private_run};
  spawn.env = std::move(options.env);
  spawn.log_file =
      options.log_file.empty() ? path(program_name(argv[0]) + ".log") : options.log_file;
  spawn.cwd = options.cwd.empty() ? info_.dir : options.cwd;
  auto child = detail::start_child(argv, spawn);
  if (tracker_) tracker_->add(child);
  return Process(std::move(child));
}

}  // namespace wgmesh::testbed
