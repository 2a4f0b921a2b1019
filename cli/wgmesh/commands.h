// The wgmesh subcommands. Each returns the process exit code (0 ok, 1 failure, 2 usage).
#pragma once

#include <string>
#include <vector>

namespace wgmesh::cli {

using Args = std::vector<std::string>;  // arguments after the subcommand name

int cmd_version();
int cmd_init(const Args& args);
int cmd_status(const Args& args);
int cmd_join(const Args& args);
int cmd_peers(const Args& args);
int cmd_qr(const Args& args);
int cmd_test_peer(const Args& args);
int cmd_install_service(const Args& args);
int cmd_uninstall_service(const Args& args);
int cmd_rotate_secret(const Args& args);

// The version line printed by `wgmesh version`, `--version` and `-v`.
std::string version_line();

}  // namespace wgmesh::cli
