// The plugin's RPC methods: dht.stats (everything the node and the plugin count, for
// operators and tests) and dht.lookup (a get_peers lookup on demand, for debugging and for
// the latency benchmark).
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "plugin/dht_plugin.h"

namespace wgmesh::dht::plugin {

namespace {
// JSON-RPC codes (the host's RPC registry uses the same).
constexpr int kInvalidParams = -32602;
constexpr int kInternalError = -32603;
constexpr int kNotRunning = -32000;
}  // namespace

void DhtPlugin::on_rpc_stats_cb(void* user, wgm_rpc_call* call, const char*, size_t) {
  auto* self = static_cast<DhtPlugin*>(user);
  int rc = wgm::guarded(self->host_, self->ctx_, [&] {
    self->on_rpc_stats(call);
    return 0;
  });
  if (rc != 0) self->host_->rpc_error(self->ctx_, call, kInternalError, "internal error");
}

void DhtPlugin::on_rpc_lookup_cb(void* user, wgm_rpc_call* call, const char* params, size_t len) {
  auto* self = static_cast<DhtPlugin*>(user);
  int rc = wgm::guarded(self->host_, self->ctx_, [&] {
    self->on_rpc_lookup(call, {params ? params : "", params ? len : 0});
    return 0;
  });
  if (rc != 0) self->host_->rpc_error(self->ctx_, call, kInternalError, "internal error");
}

StatsView DhtPlugin::stats_view() {
  StatsView v;
  v.started = started_;
  v.nodes_file = nodes_path_;
  v.plugin = counters_;
  v.routers_configured = config_.bootstrap.size();
  v.routers_resolved = routers_resolved_;
  v.exchanges_in_flight = gate_.in_flight();
  v.exchanges_waiting = gate_.queued();
  v.query_interval_ms = schedule_.current_query_interval_ms();
  v.last_query_ms = last_query_ms_;
  v.last_announce_ms = last_announce_ms_;
  v.self_addresses = self_.size();
  v.port_v4 = sock4_.port();
  v.port_v6 = sock6_.port();
  if (node_) {
    v.bootstrapped = node_->is_bootstrapped();
    v.node_id = node_->id().hex();
    v.core = node_->stats();
    for (const auto& e : node_->external_addresses(2))
      v.external_addresses.push_back(e.ip_string());
  }
  return v;
}

void DhtPlugin::on_rpc_stats(wgm_rpc_call* call) {
  const std::string json = stats_json(stats_view());
  host_->rpc_reply(ctx_, call, json.data(), json.size());
}

void DhtPlugin::on_rpc_lookup(wgm_rpc_call* call, std::string_view params) {
  rapidjson::Document doc;
  doc.Parse(params.data(), params.size());
  std::optional<InfoHash> ih;
  if (!doc.HasParseError() && doc.IsObject()) {
    auto it = doc.FindMember("info_hash");
    if (it != doc.MemberEnd() && it->value.IsString())
      ih = InfoHash::from_hex({it->value.GetString(), it->value.GetStringLength()});
  }
  if (!ih) {
    host_->rpc_error(ctx_, call, kInvalidParams, "expected {\"info_hash\": \"<40 hex digits>\"}");
    return;
  }
  if (!started_ || !node_) {
    host_->rpc_error(ctx_, call, kNotRunning, "the DHT is not running");
    return;
  }
  const uint64_t key = next_rpc_key_++;
  const int64_t started = now();
  OperationId op = node_->get_peers(*ih, [this, key](const LookupResult& r) {
    auto it = rpc_lookups_.find(key);
    if (it == rpc_lookups_.end()) return;
    wgm_rpc_call* c = it->second.call;
    rpc_lookups_.erase(it);
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("peers");
    w.StartArray();
    for (const auto& p : r.peers) w.String(p.to_string().c_str());
    w.EndArray();
    w.Key("elapsed_ms");
    w.Int64(r.elapsed_ms);
    w.Key("first_peer_ms");
    w.Int64(r.first_peer_ms);
    w.Key("queries");
    w.Uint64(r.queries);
    w.Key("responses");
    w.Uint64(r.responses);
    w.Key("hit_deadline");
    w.Bool(r.hit_deadline);
    w.EndObject();
    host_->rpc_reply(ctx_, c, buf.GetString(), buf.GetSize());
  });
  if (!op) {
    ++counters_.lookups_refused;
    host_->rpc_error(ctx_, call, kNotRunning, "too many lookups running; try again");
    return;
  }
  rpc_lookups_.emplace(key, RpcLookup{call, started});
  tick();  // the lookup's first queries went out: re-arm for their timeouts
}

void DhtPlugin::fail_pending_rpcs(const char* why) {
  auto pending = std::move(rpc_lookups_);
  rpc_lookups_.clear();
  for (auto& [key, l] : pending) host_->rpc_error(ctx_, l.call, kNotRunning, why);
}

}  // namespace wgmesh::dht::plugin
