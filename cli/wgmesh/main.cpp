// wgmesh: the operator CLI, command-compatible with the original (centralized-rpc-cli.md §8).
#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"
#include "service_paths.h"

using namespace wgmesh::cli;

namespace {
void print_help() {
  std::printf(
      "%s\n\n"
      "Decentralized mode:\n"
      "  wgmesh join --secret <SECRET> [--interface IF] [--listen-port N] [--advertise-routes CIDRS]\n"
      "              [--log-level L] [--no-lan-discovery] [--no-ipv6] [--introducer] [--config FILE]\n"
      "                                       Run a mesh node in the foreground\n"
      "  wgmesh init --secret                 Generate a new mesh secret\n"
      "  wgmesh status --secret <SECRET> [--interface IF] [--json] [--mesh-subnet CIDR]\n"
      "                                       Show the parameters derived from a secret\n"
      "  wgmesh qr --secret <SECRET>          Show the secret URI as a QR code\n"
      "  wgmesh test-peer --secret <SECRET> --peer <IP:PORT> [--port N]\n"
      "                                       One authenticated exchange with a node\n"
      "  wgmesh rotate-secret --current <SECRET> [--new <SECRET>] [--grace 24h]\n"
      "                                       Signed rotation announcement for a new secret\n"
      "  wgmesh install-service --secret <SECRET> [join feature flags]\n"
      "                                       Install and (re)start the systemd service\n"
      "  wgmesh uninstall-service             Stop and remove the systemd service\n\n"
      "Query a running daemon (over its RPC socket; WGMESH_SOCKET overrides the path):\n"
      "  wgmesh peers list                    List all active peers\n"
      "  wgmesh peers count                   Show peer statistics\n"
      "  wgmesh peers get <pubkey>            Get specific peer details\n\n"
      "Other:\n"
      "  wgmesh version | --version | -v      Print the version\n\n"
      "%s",
      version_line().c_str(), service_paths_help());
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // §8.1: --version or -v anywhere wins, even as a flag value.
  for (const auto& a : args)
    if (a == "--version" || a == "-v") return cmd_version();
  if (args.empty()) {
    print_help();
    return 1;
  }
  const std::string& sub = args[0];
  Args rest(args.begin() + 1, args.end());
  if (sub == "version") return cmd_version();
  if (sub == "init") return cmd_init(rest);
  if (sub == "status") return cmd_status(rest);
  if (sub == "join") return cmd_join(rest);
  if (sub == "peers") return cmd_peers(rest);
  if (sub == "qr") return cmd_qr(rest);
  if (sub == "test-peer") return cmd_test_peer(rest);
  if (sub == "install-service") return cmd_install_service(rest);
  if (sub == "uninstall-service") return cmd_uninstall_service(rest);
  if (sub == "rotate-secret") return cmd_rotate_secret(rest);
  if (sub == "help" || sub == "-h" || sub == "--help") {
    print_help();
    return 0;
  }
  std::fprintf(stderr, "wgmesh: unknown command '%s'\n\n", sub.c_str());
  print_help();
  return 1;
}
