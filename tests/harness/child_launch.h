// fork + namespace entry + exec, shared by run_command() and start_process(). The child makes
// only system calls (everything is prepared before fork) and reports a failure before exec
// through a close-on-exec pipe, so the caller learns "setns(net): No such file" instead of a
// bare exit status 127.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "harness/namespace_entry.h"

namespace wgmesh::testbed::detail {

struct LaunchSpec {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // "KEY=VALUE" overrides on top of our environment
  NamespaceSpec ns;
  std::string cwd;
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
};

// Returns the child's PID once it has exec'd; the child is tracked for the signal cleanup.
// Throws std::runtime_error if the program is missing or a step before exec failed (the
// child is reaped then).
pid_t launch_child(const LaunchSpec& spec);

}  // namespace wgmesh::testbed::detail
