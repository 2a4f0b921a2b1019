// The commands of wgmeshctl, as a library so that `wgmesh peers …` runs exactly the same
// code (spec §11.5, §11.6). Output goes to the given streams; the return value is the
// process exit code (ctl/exit_codes.h).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace wgmesh::ctl {

struct CtlOptions {
  std::string socket_path;  // "" = resolve: WGMESH_SOCKET, /run, /var/run, $XDG_RUNTIME_DIR, /tmp
  bool json = false;        // print the raw JSON result instead of tables
  int timeout_ms = 5000;    // per step: connect, and each request/response
};

// `peers list`, `peers count`, `peers get <pubkey|unique prefix|mesh-ip|hostname>`;
// `args` starts after the word "peers".
int run_peers_command(const std::vector<std::string>& args, const CtlOptions& options,
                      std::ostream& out, std::ostream& err);

// Any wgmeshctl command: peers …, status, methods, call <method> [json-params].
int run_ctl_command(const std::vector<std::string>& args, const CtlOptions& options,
                    std::ostream& out, std::ostream& err);

// The command summary shown by --help and after usage errors.
std::string commands_help();

}  // namespace wgmesh::ctl
