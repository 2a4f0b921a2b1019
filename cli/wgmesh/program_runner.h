// Runs a helper program (systemctl) directly, without a shell: the arguments reach it
// exactly as given, whatever characters they hold.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace wgmesh::cli {

enum class ChildStderr { kInherit, kDiscard };

// Runs argv (argv[0] is looked up in PATH when it has no '/'), stdout discarded so our own
// output stays exactly the original's, and waits. Errors use Go's exec texts so messages
// read as the original's: `exit status 1`, `signal: killed`,
// `exec: "systemctl": executable file not found in $PATH`.
Status run_program(const std::vector<std::string>& argv, ChildStderr stderr_mode);

}  // namespace wgmesh::cli
