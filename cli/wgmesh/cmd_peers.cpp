// `wgmesh peers list | count | get <pubkey>`: the original's queries of a running daemon
// over its RPC socket (centralized-rpc-cli.md §8.4), with the original's texts and its
// "1 for every failure" exit code. The socket code is wgmeshctl's client library; only the
// output differs from `wgmeshctl peers`, which shows full keys and more columns.
#include <rapidjson/document.h>

#include <cstdio>
#include <string>

#include "commands.h"
#include "common/socket_path.h"
#include "ctl/json_util.h"
#include "ctl/rpc_client.h"
#include "keys/go_time.h"
#include "peers_output.h"

namespace wgmesh::cli {
namespace {

// The original has no timeout at all; a wedged daemon should not hang a shell forever.
constexpr int kRpcTimeoutMs = 10000;

void print_usage() {
  std::fputs(
      "Usage: wgmesh peers <list|count|get>\n\nCommands:\n"
      "  list            List all active peers\n"
      "  count           Show peer counts\n"
      "  get <pubkey>    Get specific peer by public key\n",
      stderr);
}

// Calls `method` and prints its result through `format`; the exit code.
template <typename Format>
int query(ctl::RpcClient& client, const char* method, const std::string& params, Format format) {
  std::string result_json;
  ctl::RpcFailure failure;
  if (!client.call(method, params, result_json, failure)) {
    // The original wraps the daemon's error as "RPC error <code>: <message>" and prints
    // that after "RPC error: "; transport failures keep their own text.
    if (failure.kind == ctl::RpcFailure::Kind::kRpc)
      std::fprintf(stderr, "RPC error: RPC error %d: %s\n", failure.code, failure.message.c_str());
    else
      std::fprintf(stderr, "RPC error: %s\n", failure.message.c_str());
    return 1;
  }
  rapidjson::Document doc;
  doc.Parse(result_json.c_str(), result_json.size());
  std::string out;
  std::optional<std::string> error = doc.HasParseError()
                                         ? std::optional<std::string>("Invalid response format")
                                         : format(doc, out);
  if (error) {
    std::fprintf(stderr, "%s\n", error->c_str());
    return 1;
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

int cmd_peers(const Args& args) {
  if (args.empty()) {
    print_usage();
    return 1;
  }
  const std::string& action = args[0];
  // WGMESH_SOCKET, else the first existing socket among the places a daemon listens
  // (spec §7.1 Improvement: a non-root shell must still find root's /var/run socket).
  std::string socket_path = sockpath::resolve_client_socket(sockpath::current_path_env());
  ctl::RpcClient client(socket_path, kRpcTimeoutMs);
  ctl::RpcFailure failure;
  // As the original, connect before looking at the action.
  if (!client.connect(failure)) {
    std::fprintf(stderr,
                 "Failed to connect to daemon: %s\n\nIs wgmesh daemon running?\n"
                 "  Start with: wgmesh join --secret <SECRET>\n  Socket path: %s\n",
                 failure.message.c_str(), socket_path.c_str());
    return 1;
  }
  if (action == "list")
    return query(client, "peers.list", "", [](const rapidjson::Value& r, std::string& out) {
      return format_peers_list(r, keys::system_clock_now(), out);
    });
  if (action == "count") return query(client, "peers.count", "", format_peer_counts);
  if (action == "get") {
    if (args.size() < 2) {
      std::fputs("Usage: wgmesh peers get <pubkey>\n", stderr);
      return 1;
    }
    return query(client, "peers.get", ctl::pubkey_params(args[1]), format_peer_info);
  }
  std::fprintf(stderr, "Unknown action: %s\nAvailable actions: list, count, get\n", action.c_str());
  return 1;
}

}  // namespace wgmesh::cli
