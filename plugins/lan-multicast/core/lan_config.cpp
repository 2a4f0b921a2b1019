#include "core/lan_config.h"

#include <rapidjson/document.h>

#include <algorithm>

namespace wgmesh::lan {
namespace {

constexpr const char* kTable = "plugins.lan-multicast.";
constexpr size_t kMaxInterfaceName = 15;  // IFNAMSIZ - 1 on Linux

bool known_key(std::string_view key) {
  for (const char* const* k = kConfigKeys; *k; ++k)
    if (key == *k) return true;
  return false;
}

// Text from the config file, made safe for a one-line log message: control characters
// become '?', and anything beyond 40 bytes becomes "...".
std::string printable(std::string_view text) {
  std::string out(text.substr(0, 40));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  if (text.size() > 40) out.append("...");
  return out;
}

// A short, printable rendering of a config value for the error line.
std::string describe(const rapidjson::Value& v) {
  if (v.IsString()) {
    // Appends, not a chain of operator+: GCC 12 -O3 reports a bogus -Wrestrict on the latter.
    std::string quoted = "\"";
    quoted.append(printable({v.GetString(), v.GetStringLength()})).push_back('"');
    return quoted;
  }
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsDouble()) return "a floating-point number";
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsArray()) return "an array";
  if (v.IsObject()) return "a table";
  return "null";
}

// An integer number of milliseconds in [lo, hi]; `zero_ok` also admits 0 (feature off).
bool read_ms(const rapidjson::Value& v, const char* key, uint64_t lo, uint64_t hi, bool zero_ok,
             uint64_t& out, std::string& error) {
  bool in_range = false;
  uint64_t value = 0;
  if (v.IsUint64()) {
    value = v.GetUint64();
    in_range = (zero_ok && value == 0) || (value >= lo && value <= hi);
  }
  if (!in_range) {
    error = std::string(kTable) + key + " must be an integer number of milliseconds " +
            (zero_ok ? "0 (off) or " : "") + "between " + std::to_string(lo) + " and " +
            std::to_string(hi) + " (got " + describe(v) + ")";
    return false;
  }
  out = value;
  return true;
}

bool valid_interface_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxInterfaceName || name == "." || name == "..") return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    return c == '/' || static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
  });
}

bool read_interfaces(const rapidjson::Value& v, std::vector<std::string>& out, std::string& error) {
  const std::string key = std::string(kTable) + "interfaces";
  if (!v.IsArray()) {
    error = key + " must be an array of interface names (got " + describe(v) + ")";
    return false;
  }
  if (v.Empty()) {
    error = key + " is empty; name at least one interface, or leave the key out for all";
    return false;
  }
  for (const auto& item : v.GetArray()) {
    if (!item.IsString() || !valid_interface_name({item.GetString(), item.GetStringLength()})) {
      error = key + " holds an invalid interface name (" + describe(item) +
              "); expected 1-15 characters without '/' or whitespace";
      return false;
    }
    std::string name(item.GetString(), item.GetStringLength());
    if (std::find(out.begin(), out.end(), name) != out.end()) {
      error = key + " lists \"" + name + "\" twice";
      return false;
    }
    out.push_back(std::move(name));
  }
  return true;
}

}  // namespace

bool parse_lan_config(std::string_view json, LanConfig& out, std::string& error) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    error = "plugins.lan-multicast: the configuration is not a table";
    return false;
  }
  LanConfig cfg;
  bool has_min = false;
  bool has_max = false;
  for (const auto& m : doc.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    const rapidjson::Value& v = m.value;
    bool ok = true;
    if (!known_key(key)) {
      error = std::string(kTable) + printable(key) +
              " is not a known key (known: interfaces, min_interval_ms, max_interval_ms, "
              "compat_fixed_interval_ms)";
      return false;
    } else if (key == "interfaces") {
      ok = read_interfaces(v, cfg.interfaces, error);
    } else if (key == "min_interval_ms") {
      ok = read_ms(v, "min_interval_ms", kMinAllowedIntervalMs, kMaxAllowedIntervalMs, false,
                   cfg.min_interval_ms, error);
      has_min = true;
    } else if (key == "max_interval_ms") {
      ok = read_ms(v, "max_interval_ms", kMinAllowedIntervalMs, kMaxAllowedIntervalMs, false,
                   cfg.max_interval_ms, error);
      has_max = true;
    } else {
      ok = read_ms(v, "compat_fixed_interval_ms", kMinAllowedIntervalMs, kMaxAllowedIntervalMs,
                   true, cfg.compat_fixed_interval_ms, error);
    }
    if (!ok) return false;
  }
  if (cfg.max_interval_ms < cfg.min_interval_ms) {
    error = std::string(kTable) + "max_interval_ms (" + std::to_string(cfg.max_interval_ms) +
            (has_max ? "" : ", the default") + ") must not be below min_interval_ms (" +
            std::to_string(cfg.min_interval_ms) + (has_min ? "" : ", the default") + ")";
    return false;
  }
  out = std::move(cfg);
  return true;
}

}  // namespace wgmesh::lan
