// wgmeshctl: query a running wgmeshd over its RPC socket (spec centralized-rpc-cli.md §11.5).
// All command logic lives in the wgmesh_ctl library; this file is only the command line.
#include <cxxopts.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "ctl/commands.h"
#include "ctl/exit_codes.h"

int main(int argc, char** argv) {
  using wgmesh::ctl::kExitUsage;
  cxxopts::Options opts("wgmeshctl", "Query a running wgmeshd over its RPC socket");
  opts.custom_help("[--socket PATH] [--json] [--timeout MS]");
  opts.positional_help("<command> [args...]");
  opts.add_options()("socket",
                     "RPC socket path (default: $WGMESH_SOCKET, /run/wgmesh.sock, "
                     "/var/run/wgmesh.sock, $XDG_RUNTIME_DIR/wgmesh.sock, /tmp/wgmesh.sock)",
                     cxxopts::value<std::string>())("json", "Print the raw JSON result")(
      "timeout", "Milliseconds to wait for the daemon, per step",
      cxxopts::value<int>()->default_value("5000"))("h,help", "Show this help");

  wgmesh::ctl::CtlOptions options;
  std::vector<std::string> command;
  try {
    auto args = opts.parse(argc, argv);
    if (args.count("help")) {
      std::cout << opts.help() << '\n' << wgmesh::ctl::commands_help();
      return 0;
    }
    if (args.count("socket")) options.socket_path = args["socket"].as<std::string>();
    options.json = args.count("json") > 0;
    options.timeout_ms = args["timeout"].as<int>();
    if (options.timeout_ms <= 0) {
      std::cerr << "wgmeshctl: --timeout must be a positive number of milliseconds\n";
      return kExitUsage;
    }
    // Not a cxxopts positional option: those split values at commas, which would break
    // JSON params such as '{"a":[1,2]}'.
    command = args.unmatched();
  } catch (const cxxopts::exceptions::exception& e) {
    std::cerr << "wgmeshctl: " << e.what() << "\n\n"
              << opts.help() << '\n'
              << wgmesh::ctl::commands_help();
    return kExitUsage;
  }
  return wgmesh::ctl::run_ctl_command(command, options, std::cout, std::cerr);
}
