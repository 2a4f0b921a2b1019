// The plugin's [plugins.lan-multicast] table, parsed and validated from the host's JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wgmesh::lan {

struct LanConfig {
  std::vector<std::string> interfaces;  // empty = every up, multicast-capable interface
  uint64_t min_interval_ms = 1000;
  uint64_t max_interval_ms = 30000;
  uint64_t compat_fixed_interval_ms = 0;  // 0 = adaptive; 5000 = the original's behaviour
};

// Bounds enforced on the intervals. The upper one keeps us well inside the 5-minute window
// in which Go peers treat us as active (see announce_scheduler.h); the lower one stops a
// configuration typo from flooding the LAN.
inline constexpr uint64_t kMinAllowedIntervalMs = 100;
inline constexpr uint64_t kMaxAllowedIntervalMs = 120000;

// The keys accepted in the table (also declared to the host as config_keys).
inline constexpr const char* kConfigKeys[] = {"interfaces", "min_interval_ms", "max_interval_ms",
                                              "compat_fixed_interval_ms", nullptr};

// Parses the table. On failure returns false and sets `error` to one line naming the key,
// what was expected and what was found.
bool parse_lan_config(std::string_view json, LanConfig& out, std::string& error);

}  // namespace wgmesh::lan
