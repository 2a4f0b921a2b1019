// The plugin's numbers in one place: the DHT core's Stats and the plugin's own counters,
// listed by name once, then exported both as host metrics (counter_add deltas, gauge_set)
// and as the JSON of the `dht.stats` RPC method.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "wgmesh/dht/node.h"

namespace wgmesh::dht::plugin {

struct PluginCounters {
  uint64_t values_seen = 0;        // peer values returned by our lookups
  uint64_t values_wrong_port = 0;  // not the gossip port: never a wgmesh node
  uint64_t values_invalid = 0;     // unspecified / multicast / broadcast
  uint64_t values_family_off = 0;  // IPv6 with no_ipv6
  uint64_t values_over_cap = 0;    // beyond the per-lookup cap
  uint64_t self_skipped = 0;       // our own address
  uint64_t exchanges_queued = 0;
  uint64_t exchanges_deduplicated = 0;
  uint64_t exchanges_dropped = 0;  // gate full
  uint64_t exchanges_started = 0;
  uint64_t exchanges_ok = 0;
  uint64_t exchanges_failed = 0;
  uint64_t exchange_errors = 0;  // the host refused to start one
  uint64_t exchange_retries = 0;
  uint64_t peers_found = 0;  // distinct keys a DHT-found exchange brought in
  uint64_t announce_rounds = 0;
  uint64_t announce_acks = 0;
  uint64_t query_rounds = 0;
  uint64_t lookups_refused = 0;  // the core was at its operation cap
  uint64_t nodes_restored = 0;
  uint64_t nodes_saved = 0;
  uint64_t nodes_save_errors = 0;
  uint64_t resolve_failures = 0;
};

struct Named {
  const char* name;
  uint64_t value;
};

std::vector<Named> core_counters(const Stats& s);
std::vector<Named> core_gauges(const Stats& s);
std::vector<Named> plugin_counters(const PluginCounters& c);

// Turns running totals into the deltas counter_add() wants.
class CounterDeltas {
 public:
  // The increase of `name` since the last call (the full value the first time).
  uint64_t delta(const std::string& name, uint64_t total);

 private:
  std::map<std::string, uint64_t> last_;
};

// Everything `dht.stats` returns.
struct StatsView {
  bool started = false;
  bool bootstrapped = false;
  std::string node_id;  // hex
  int port_v4 = 0, port_v6 = 0;
  size_t routers_configured = 0, routers_resolved = 0;
  size_t exchanges_in_flight = 0, exchanges_waiting = 0;
  int64_t query_interval_ms = 0;
  int64_t last_query_ms = -1, last_announce_ms = -1;  // duration of the last round
  std::vector<std::string> external_addresses;
  size_t self_addresses = 0;
  std::string nodes_file;
  Stats core;
  PluginCounters plugin;
};

std::string stats_json(const StatsView& v);

}  // namespace wgmesh::dht::plugin
