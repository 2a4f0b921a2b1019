#include "stats_report.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace wgmesh::dht::plugin {

namespace {

// One exported number: its metric/JSON name and where it lives. Each list below is the
// single place a number is named; adding one is one line here.
template <typename Source, typename Value>
struct Field {
  const char* name;
  Value Source::*member;
};

constexpr Field<Stats, uint64_t> kCoreCounters[] = {
    {"datagrams_in", &Stats::datagrams_in},
    {"bytes_in", &Stats::bytes_in},
    {"datagrams_out", &Stats::datagrams_out},
    {"bytes_out", &Stats::bytes_out},
    {"send_failures", &Stats::send_failures},
    {"queries_in", &Stats::queries_in},
    {"ping_in", &Stats::ping_in},
    {"find_node_in", &Stats::find_node_in},
    {"get_peers_in", &Stats::get_peers_in},
    {"announce_in", &Stats::announce_in},
    {"queries_out", &Stats::queries_out},
    {"responses_in", &Stats::responses_in},
    {"responses_out", &Stats::responses_out},
    {"errors_in", &Stats::errors_in},
    {"errors_sent", &Stats::errors_sent},
    {"malformed_dropped", &Stats::malformed_dropped},
    {"oversized_dropped", &Stats::oversized_dropped},
    {"rate_limited", &Stats::rate_limited},
    {"unexpected_responses", &Stats::unexpected_responses},
    {"timeouts", &Stats::timeouts},
    {"bad_tokens", &Stats::bad_tokens},
    {"peers_stored", &Stats::peers_stored},
    {"bep42_rejected", &Stats::bep42_rejected},
    {"self_contacts", &Stats::self_contacts},
    {"lookups_started", &Stats::lookups_started},
    {"lookups_finished", &Stats::lookups_finished},
    {"announces_sent", &Stats::announces_sent},
    {"announces_acked", &Stats::announces_acked},
    {"bootstrap_attempts", &Stats::bootstrap_attempts},
};

constexpr Field<Stats, size_t> kCoreGauges[] = {
    {"routing_table_v4", &Stats::routing_table_v4},
    {"routing_table_v6", &Stats::routing_table_v6},
    {"routing_table_bytes", &Stats::routing_table_bytes},
    {"pending_requests", &Stats::pending_requests},
    {"operations", &Stats::operations},
    {"peer_store_infohashes", &Stats::peer_store_infohashes},
    {"peer_store_peers", &Stats::peer_store_peers},
};

constexpr Field<PluginCounters, uint64_t> kPluginCounters[] = {
    {"values_seen", &PluginCounters::values_seen},
    {"values_wrong_port", &PluginCounters::values_wrong_port},
    {"values_invalid", &PluginCounters::values_invalid},
    {"values_family_off", &PluginCounters::values_family_off},
    {"values_over_cap", &PluginCounters::values_over_cap},
    {"self_skipped", &PluginCounters::self_skipped},
    {"exchanges_queued", &PluginCounters::exchanges_queued},
    {"exchanges_deduplicated", &PluginCounters::exchanges_deduplicated},
    {"exchanges_dropped", &PluginCounters::exchanges_dropped},
    {"exchanges_started", &PluginCounters::exchanges_started},
    {"exchanges_ok", &PluginCounters::exchanges_ok},
    {"exchanges_failed", &PluginCounters::exchanges_failed},
    {"exchange_errors", &PluginCounters::exchange_errors},
    {"exchange_retries", &PluginCounters::exchange_retries},
    {"peers_found", &PluginCounters::peers_found},
    {"announce_rounds", &PluginCounters::announce_rounds},
    {"announce_acks", &PluginCounters::announce_acks},
    {"query_rounds", &PluginCounters::query_rounds},
    {"lookups_refused", &PluginCounters::lookups_refused},
    {"nodes_restored", &PluginCounters::nodes_restored},
    {"nodes_saved", &PluginCounters::nodes_saved},
    {"nodes_save_errors", &PluginCounters::nodes_save_errors},
    {"resolve_failures", &PluginCounters::resolve_failures},
};

// Reads every field of `table` out of `source`, in table order.
template <typename Source, typename Value, size_t N>
std::vector<Named> read_fields(const Source& source, const Field<Source, Value> (&table)[N]) {
  std::vector<Named> out;
  out.reserve(N);
  for (const auto& f : table) out.push_back({f.name, static_cast<uint64_t>(source.*f.member)});
  return out;
}

}  // namespace

std::vector<Named> core_counters(const Stats& s) { return read_fields(s, kCoreCounters); }
std::vector<Named> core_gauges(const Stats& s) { return read_fields(s, kCoreGauges); }
std::vector<Named> plugin_counters(const PluginCounters& c) {
  return read_fields(c, kPluginCounters);
}

uint64_t CounterDeltas::delta(const std::string& name, uint64_t total) {
  uint64_t& last = last_[name];
  const uint64_t d = total >= last ? total - last : total;  // a reset starts over
  last = total;
  return d;
}

std::string stats_json(const StatsView& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("started");
  w.Bool(v.started);
  w.Key("bootstrapped");
  w.Bool(v.bootstrapped);
  w.Key("node_id");
  w.String(v.node_id.c_str());
  w.Key("port_v4");
  w.Int(v.port_v4);
  w.Key("port_v6");
  w.Int(v.port_v6);
  w.Key("routers_configured");
  w.Uint64(v.routers_configured);
  w.Key("routers_resolved");
  w.Uint64(v.routers_resolved);
  w.Key("routing_table_size");
  w.Uint64(v.core.routing_table_v4 + v.core.routing_table_v6);
  for (const auto& list : {core_gauges(v.core), core_counters(v.core), plugin_counters(v.plugin)})
    for (const auto& n : list) {
      w.Key(n.name);
      w.Uint64(n.value);
    }
  w.Key("exchanges_in_flight");
  w.Uint64(v.exchanges_in_flight);
  w.Key("exchanges_waiting");
  w.Uint64(v.exchanges_waiting);
  w.Key("query_interval_ms");
  w.Int64(v.query_interval_ms);
  w.Key("last_query_ms");
  w.Int64(v.last_query_ms);
  w.Key("last_announce_ms");
  w.Int64(v.last_announce_ms);
  w.Key("external_addresses");
  w.StartArray();
  for (const auto& a : v.external_addresses) w.String(a.c_str());
  w.EndArray();
  w.Key("self_addresses");
  w.Uint64(v.self_addresses);
  w.Key("nodes_file");
  w.String(v.nodes_file.c_str());
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace wgmesh::dht::plugin
