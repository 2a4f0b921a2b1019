// The plugin's [plugins.dht] table, parsed and validated from the host's JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host_port.h"

namespace wgmesh::dht::plugin {

// The original's public routers (discovery.md §3.2, §12). Contacted only when the
// configuration does not name its own list; tests always do (a local list or []).
inline constexpr const char* kDefaultBootstrap[] = {
    "router.bittorrent.com:6881",
    "router.utorrent.com:6881",
    "dht.transmissionbt.com:6881",
};

struct DhtPluginConfig {
  std::vector<HostPort> bootstrap;  // empty = none (a LAN-only or warm-start-only node)
  bool bootstrap_is_default = true;
  uint16_t port = 0;  // 0 = gossip_port + 1, as the original
  std::string bind;   // numeric address; empty = wildcard (IPv4 and IPv6)
  // The original: query every 30 s, every 60 s once the store holds >= 3 peers (we use
  // twice this value then); announce every 15 min and on each hour change.
  uint64_t query_interval_ms = 30000;
  uint64_t announce_interval_ms = 15 * 60 * 1000;
  uint32_t max_exchanges_per_minute = 60;
};

// Bounds. Announcing more rarely than every 15 min lets Go nodes' stored announcements expire
// (discovery.md §3.1); the lower bounds stop a typo from flooding the DHT.
inline constexpr uint64_t kMinQueryIntervalMs = 200;
inline constexpr uint64_t kMaxQueryIntervalMs = 60 * 60 * 1000;
inline constexpr uint64_t kMinAnnounceIntervalMs = 1000;
inline constexpr uint64_t kMaxAnnounceIntervalMs = 15 * 60 * 1000;
inline constexpr uint32_t kMaxExchangesPerMinute = 600;
inline constexpr size_t kMaxBootstrapEntries = 64;

// The keys accepted in the table (also declared to the host as config_keys).
inline constexpr const char* kConfigKeys[] = {"bootstrap",
                                              "port",
                                              "bind",
                                              "query_interval_ms",
                                              "announce_interval_ms",
                                              "max_exchanges_per_minute",
                                              nullptr};

// Parses the table. On failure returns false and sets `error` to one printable line naming
// the key, what was expected and what was found.
bool parse_dht_config(std::string_view json, DhtPluginConfig& out, std::string& error);

}  // namespace wgmesh::dht::plugin
