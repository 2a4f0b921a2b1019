// A throw-away L2 test bed of network namespaces (testbed.md §2/§3): a "switch" namespace
// with bridge br0 (multicast snooping off, so multicast is flooded) and N host namespaces,
// each with eth0 = <subnet>.<i>/24 on the bridge, loopback up, IPv6 DAD off and no route
// out of the bed. Names carry a caller-chosen prefix (include the PID) so parallel runs do
// not collide. The destructor kills every process it was given (by PID, then waits), then
// deletes the namespaces, even when a test fails half-way. Needs root.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace wgmesh::test {

struct CommandResult {
  int status = -1;  // exit status, 128 + signal, or -1 if it could not run
  std::string output;
};

// fork + execvp (no shell), stdout and stderr captured.
CommandResult run_command(const std::vector<std::string>& argv);

// Root, and iproute2 present: a bed can be built.
bool netns_available(std::string& why_not);

class NetnsBed {
 public:
  // nullptr (and `error`) if any step fails; whatever was created is removed again.
  static std::unique_ptr<NetnsBed> create(const std::string& prefix, int hosts,
                                          const std::string& subnet24, std::string& error);
  // Deletes namespaces "<stem><pid>-..." left behind by a test process that was killed
  // (its pid no longer exists). Only names of that exact shape are touched.
  static void remove_stale(const std::string& stem);
  ~NetnsBed();
  NetnsBed(const NetnsBed&) = delete;
  NetnsBed& operator=(const NetnsBed&) = delete;

  std::string host_ns(int i) const;  // 1-based
  std::string host_ip(int i) const;  // "<subnet>.<i>"
  int hosts() const { return hosts_; }

  // Runs `body` in a forked child that first joins host i's network namespace (setns), so
  // every socket it opens lives there. The child exits with body's return value (or 120 if
  // it could not join). The pid is owned by the bed: killed before the namespaces go.
  pid_t fork_in(int i, const std::function<int()>& body);
  // Waits up to `timeout_ms` for a child to exit; returns its exit status, or -1 after
  // killing it on timeout.
  int wait_child(pid_t pid, int timeout_ms);

 private:
  struct Token {};

 public:
  NetnsBed(Token, std::string prefix, int hosts, std::string subnet24)
      : prefix_(std::move(prefix)), hosts_(hosts), subnet_(std::move(subnet24)) {}

 private:
  std::string switch_ns() const { return prefix_ + "-sw"; }
  bool build(std::string& error);
  void teardown();

  std::string prefix_;
  int hosts_;
  std::string subnet_;
  std::vector<std::string> created_;  // namespaces to delete
  std::vector<pid_t> children_;
};

}  // namespace wgmesh::test
