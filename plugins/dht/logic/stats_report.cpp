#include "stats_report.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace wgmesh::dht::plugin {

std::vector<Named> core_counters(const Stats& s) {
  return {{"datagrams_in", s.datagrams_in},
          {"bytes_in", s.bytes_in},
          {"datagrams_out", s.datagrams_out},
          {"bytes_out", s.bytes_out},
          {"send_failures", s.send_failures},
          {"queries_in", s.queries_in},
          {"ping_in", s.ping_in},
          {"find_node_in", s.find_node_in},
          {"get_peers_in", s.get_peers_in},
          {"announce_in", s.announce_in},
          {"queries_out", s.queries_out},
          {"responses_in", s.responses_in},
          {"responses_out", s.responses_out},
          {"errors_in", s.errors_in},
          {"errors_sent", s.errors_sent},
          {"malformed_dropped", s.malformed_dropped},
          {"oversized_dropped", s.oversized_dropped},
          {"rate_limited", s.rate_limited},
          {"unexpected_responses", s.unexpected_responses},
          {"timeouts", s.timeouts},
          {"bad_tokens", s.bad_tokens},
          {"peers_stored", s.peers_stored},
          {"bep42_rejected", s.bep42_rejected},
          {"self_contacts", s.self_contacts},
          {"lookups_started", s.lookups_started},
          {"lookups_finished", s.lookups_finished},
          {"announces_sent", s.announces_sent},
          {"announces_acked", s.announces_acked},
          {"bootstrap_attempts", s.bootstrap_attempts}};
}

std::vector<Named> core_gauges(const Stats& s) {
  return {{"routing_table_v4", s.routing_table_v4},
          {"routing_table_v6", s.routing_table_v6},
          {"routing_table_bytes", s.routing_table_bytes},
          {"pending_requests", s.pending_requests},
          {"operations", s.operations},
          {"peer_store_infohashes", s.peer_store_infohashes},
          {"peer_store_peers", s.peer_store_peers}};
}

std::vector<Named> plugin_counters(const PluginCounters& c) {
  return {{"values_seen", c.values_seen},
          {"values_wrong_port", c.values_wrong_port},
          {"values_invalid", c.values_invalid},
          {"values_family_off", c.values_family_off},
          {"values_over_cap", c.values_over_cap},
          {"self_skipped", c.self_skipped},
          {"exchanges_queued", c.exchanges_queued},
          {"exchanges_deduplicated", c.exchanges_deduplicated},
          {"exchanges_dropped", c.exchanges_dropped},
          {"exchanges_started", c.exchanges_started},
          {"exchanges_ok", c.exchanges_ok},
          {"exchanges_failed", c.exchanges_failed},
          {"exchange_errors", c.exchange_errors},
          {"exchange_retries", c.exchange_retries},
          {"peers_found", c.peers_found},
          {"announce_rounds", c.announce_rounds},
          {"announce_acks", c.announce_acks},
          {"query_rounds", c.query_rounds},
          {"lookups_refused", c.lookups_refused},
          {"nodes_restored", c.nodes_restored},
          {"nodes_saved", c.nodes_saved},
          {"nodes_save_errors", c.nodes_save_errors},
          {"resolve_failures", c.resolve_failures}};
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
  for (const auto& n : core_gauges(v.core)) {
    w.Key(n.name);
    w.Uint64(n.value);
  }
  for (const auto& n : core_counters(v.core)) {
    w.Key(n.name);
    w.Uint64(n.value);
  }
  for (const auto& n : plugin_counters(v.plugin)) {
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
