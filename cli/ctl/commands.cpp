#include "ctl/commands.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <ctime>
#include <tuple>

#include "common/socket_path.h"
#include "ctl/daemon_output.h"
#include "ctl/exit_codes.h"
#include "ctl/json_util.h"
#include "ctl/peer_lookup.h"
#include "ctl/peer_output.h"
#include "ctl/peer_view.h"
#include "ctl/rpc_client.h"

namespace wgmesh::ctl {
namespace {

constexpr int kInvalidParams = -32602;
constexpr int kMethodNotFound = -32601;

// One connection to the daemon for the whole command, with the path resolved once.
class Session {
 public:
  Session(const CtlOptions& options, std::ostream& err)
      : err_(err), client_(resolve(options.socket_path, tried_), options.timeout_ms) {}

  static std::string resolve(const std::string& given, std::vector<std::string>& tried) {
    if (!given.empty()) return given;
    return sockpath::resolve_client_socket(sockpath::current_path_env(), &tried);
  }

  // Calls a method; on failure remembers it (report() prints it).
  bool call(const std::string& method, const std::string& params, std::string& result) {
    return client_.call(method, params, result, failure_);
  }
  const RpcFailure& failure() const { return failure_; }

  // Prints the failure and returns its exit code.
  int report() const {
    switch (failure_.kind) {
      case RpcFailure::Kind::kNoDaemon:
        err_ << failure_.message << '\n';
        if (tried_.size() > 1) {
          err_ << "(looked for a socket at:";
          for (const auto& t : tried_) err_ << ' ' << t;
          err_ << "; use --socket or WGMESH_SOCKET to choose one)\n";
        }
        return kExitNoDaemon;
      case RpcFailure::Kind::kPermission:
        err_ << failure_.message << '\n';
        return kExitPermission;
      case RpcFailure::Kind::kTimeout:
        err_ << failure_.message << '\n';
        return kExitTimeout;
      case RpcFailure::Kind::kRpc:
        err_ << "RPC error " << failure_.code << ": " << failure_.message << '\n';
        return kExitFailure;
      case RpcFailure::Kind::kProtocol:
        err_ << failure_.message << '\n';
        return kExitFailure;
    }
    return kExitFailure;
  }

 private:
  std::ostream& err_;
  std::vector<std::string> tried_;
  RpcClient client_;
  RpcFailure failure_;
};

int64_t now_unix() { return static_cast<int64_t>(std::time(nullptr)); }

int bad_response(std::ostream& err, const char* what) {
  err << what << '\n';
  return kExitFailure;
}

int usage_error(std::ostream& err, const std::string& message) {
  err << message << "\n\n" << commands_help();
  return kExitUsage;
}

// peers.list returns {"peers":[...]} (spec §7.6); a bare array is accepted too.
const rapidjson::Value* peers_array(const rapidjson::Document& doc) {
  if (doc.IsArray()) return &doc;
  if (doc.IsObject()) {
    auto it = doc.FindMember("peers");
    if (it != doc.MemberEnd() && it->value.IsArray()) return &it->value;
    if (it != doc.MemberEnd() && it->value.IsNull()) return &it->value;  // Go's nil slice
  }
  return nullptr;
}

std::vector<PeerView> peer_views(const rapidjson::Value& array) {
  std::vector<PeerView> peers;
  if (!array.IsArray()) return peers;
  for (const auto& e : array.GetArray()) {
    PeerView p;
    if (peer_from_json(e, p)) peers.push_back(std::move(p));
  }
  // The daemon's order is unspecified; a stable order makes outputs comparable.
  std::sort(peers.begin(), peers.end(), [](const PeerView& a, const PeerView& b) {
    return std::make_tuple(a.hostname.empty(), a.hostname, a.pubkey) <
           std::make_tuple(b.hostname.empty(), b.hostname, b.pubkey);
  });
  return peers;
}

int peers_list(Session& s, const CtlOptions& o, std::ostream& out, std::ostream& err) {
  std::string result;
  if (!s.call("peers.list", "", result)) return s.report();
  if (o.json) {
    out << result << '\n';
    return kExitOk;
  }
  rapidjson::Document doc;
  doc.Parse(result.c_str(), result.size());
  const rapidjson::Value* array = doc.HasParseError() ? nullptr : peers_array(doc);
  if (!array) return bad_response(err, "Invalid peers data");
  render_peer_table(peer_views(*array), now_unix(), out);
  return kExitOk;
}

int peers_count(Session& s, const CtlOptions& o, std::ostream& out, std::ostream& err) {
  std::string result;
  if (!s.call("peers.count", "", result)) return s.report();
  if (o.json) {
    out << result << '\n';
    return kExitOk;
  }
  rapidjson::Document doc;
  doc.Parse(result.c_str(), result.size());
  if (doc.HasParseError() || !render_peer_counts(doc, out))
    return bad_response(err, "Invalid peer count data");
  return kExitOk;
}

int show_peer(const std::string& json, const CtlOptions& o, std::ostream& out, std::ostream& err) {
  if (o.json) {
    out << json << '\n';
    return kExitOk;
  }
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  PeerView peer;
  if (doc.HasParseError() || !peer_from_json(doc, peer))
    return bad_response(err, "Invalid peer data");
  render_peer_detail(peer, now_unix(), out);
  return kExitOk;
}

int peers_get(Session& s, const std::string& query, const CtlOptions& o, std::ostream& out,
              std::ostream& err) {
  std::string result;
  if (looks_like_full_key(query)) {
    if (!s.call("peers.get", pubkey_params(query), result)) return s.report();
    return show_peer(result, o, out, err);
  }
  // Not a whole key: resolve it against the active peers.
  if (!s.call("peers.list", "", result)) return s.report();
  rapidjson::Document doc;
  doc.Parse(result.c_str(), result.size());
  const rapidjson::Value* array = doc.HasParseError() ? nullptr : peers_array(doc);
  if (!array) return bad_response(err, "Invalid peers data");
  std::vector<PeerView> peers = peer_views(*array);
  PeerMatch match = find_peer(peers, query);
  if (match.kind == PeerMatch::Kind::kAmbiguous) {
    err << "'" << query << "' matches " << match.indexes.size() << " peers; be more specific:\n";
    for (size_t i : match.indexes)
      err << "  " << (peers[i].hostname.empty() ? "-" : peers[i].hostname) << "  "
          << peers[i].pubkey << "  " << (peers[i].mesh_ip.empty() ? "-" : peers[i].mesh_ip) << '\n';
    return kExitFailure;
  }
  if (match.kind == PeerMatch::Kind::kNone) {
    // Maybe a dead peer the list leaves out: let the daemon look the text up as a key.
    if (s.call("peers.get", pubkey_params(query), result)) return show_peer(result, o, out, err);
    if (s.failure().kind == RpcFailure::Kind::kRpc && s.failure().code == kInvalidParams) {
      err << "no peer matches '" << query << "' (by public key, key prefix, mesh IP or hostname)\n";
      return kExitFailure;
    }
    return s.report();
  }
  const PeerView& found = peers[match.indexes.front()];
  if (s.call("peers.get", pubkey_params(found.pubkey), result))
    return show_peer(result, o, out, err);
  if (s.failure().kind == RpcFailure::Kind::kRpc && s.failure().code == kMethodNotFound) {
    // A daemon without peers.get: the list entry is all there is.
    for (const auto& e : array->GetArray()) {
      PeerView p;
      if (peer_from_json(e, p) && p.pubkey == found.pubkey)
        return show_peer(compact_json(e), o, out, err);
    }
  }
  return s.report();
}

int simple_call(Session& s, const char* method, const CtlOptions& o, std::ostream& out,
                std::ostream& err, bool (*render)(const rapidjson::Value&, std::ostream&)) {
  std::string result;
  if (!s.call(method, "", result)) return s.report();
  if (o.json) {
    out << result << '\n';
    return kExitOk;
  }
  rapidjson::Document doc;
  doc.Parse(result.c_str(), result.size());
  if (doc.HasParseError() || !render(doc, out))
    return bad_response(err, (std::string("Invalid ") + method + " data").c_str());
  return kExitOk;
}

int generic_call(Session& s, const std::vector<std::string>& args, std::ostream& out,
                 std::ostream& err) {
  if (args.size() < 2 || args.size() > 3)
    return usage_error(err, "usage: call <method> [json-params]");
  std::string params;
  if (args.size() == 3) {
    rapidjson::Document doc;
    doc.Parse(args[2].c_str(), args[2].size());
    if (doc.HasParseError() || !(doc.IsObject() || doc.IsNull()))
      return usage_error(err, "call: params must be a JSON object, e.g. '{\"pubkey\":\"...\"}'");
    if (doc.IsObject()) params = compact_json(doc);
  }
  std::string result;
  if (!s.call(args[1], params, result)) return s.report();
  out << result << '\n';
  return kExitOk;
}

}  // namespace

std::string commands_help() {
  return "Commands:\n"
         "  peers list                 active peers (hostname, key, mesh IP, endpoint, ...)\n"
         "  peers count                active, total and dead peer counts\n"
         "  peers get <peer>           one peer, by public key, unique key prefix, mesh IP or "
         "hostname\n"
         "  status                     daemon status (daemon.status)\n"
         "  methods                    every RPC method the daemon offers (rpc.list)\n"
         "  call <method> [json]       call any method with optional JSON object params\n";
}

int run_peers_command(const std::vector<std::string>& args, const CtlOptions& options,
                      std::ostream& out, std::ostream& err) {
  if (args.empty()) return usage_error(err, "usage: peers <list|count|get>");
  const std::string& action = args[0];
  if (action == "get" && args.size() != 2)
    return usage_error(err, "usage: peers get <pubkey|unique prefix|mesh-ip|hostname>");
  if ((action == "list" || action == "count") && args.size() != 1)
    return usage_error(err, "usage: peers " + action);
  if (action != "list" && action != "count" && action != "get")
    return usage_error(err, "unknown peers command '" + action + "' (available: list, count, get)");
  Session session(options, err);
  if (action == "list") return peers_list(session, options, out, err);
  if (action == "count") return peers_count(session, options, out, err);
  return peers_get(session, args[1], options, out, err);
}

int run_ctl_command(const std::vector<std::string>& args, const CtlOptions& options,
                    std::ostream& out, std::ostream& err) {
  if (args.empty()) return usage_error(err, "no command given");
  const std::string& command = args[0];
  if (command == "peers")
    return run_peers_command(std::vector<std::string>(args.begin() + 1, args.end()), options, out,
                             err);
  if ((command == "status" || command == "methods") && args.size() != 1)
    return usage_error(err, "usage: " + command);
  if (command == "status") {
    Session session(options, err);
    return simple_call(session, "daemon.status", options, out, err, &render_status);
  }
  if (command == "methods") {
    Session session(options, err);
    return simple_call(session, "rpc.list", options, out, err, &render_methods);
  }
  if (command == "call") {
    Session session(options, err);
    return generic_call(session, args, out, err);
  }
  return usage_error(err, "unknown command '" + command + "'");
}

}  // namespace wgmesh::ctl
