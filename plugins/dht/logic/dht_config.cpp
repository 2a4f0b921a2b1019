#include "dht_config.h"

#include <arpa/inet.h>
#include <rapidjson/document.h>

#include <algorithm>

namespace wgmesh::dht::plugin {

namespace {

constexpr const char* kTable = "plugins.dht.";

// Config text in a one-line log message: control characters masked, long text cut.
std::string printable(std::string_view text) {
  std::string out(text.substr(0, 40));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return text.size() > 40 ? out + "..." : out;
}

std::string describe(const rapidjson::Value& v) {
  if (v.IsString()) return "\"" + printable({v.GetString(), v.GetStringLength()}) + "\"";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsDouble()) return "a floating-point number";
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsArray()) return "an array";
  if (v.IsObject()) return "a table";
  return "null";
}

bool read_uint(const rapidjson::Value& v, const char* key, uint64_t lo, uint64_t hi,
               const char* unit, uint64_t& out, std::string& error) {
  if (!v.IsUint64() || v.GetUint64() < lo || v.GetUint64() > hi) {
    error = std::string(kTable) + key + " must be an integer " + unit + " between " +
            std::to_string(lo) + " and " + std::to_string(hi) + " (got " + describe(v) + ")";
    return false;
  }
  out = v.GetUint64();
  return true;
}

bool read_bootstrap(const rapidjson::Value& v, std::vector<HostPort>& out, std::string& error) {
  const std::string key = std::string(kTable) + "bootstrap";
  if (!v.IsArray()) {
    error = key + " must be an array of \"host:port\" strings (got " + describe(v) + ")";
    return false;
  }
  if (v.Size() > kMaxBootstrapEntries) {
    error = key + " has " + std::to_string(v.Size()) + " entries; at most " +
            std::to_string(kMaxBootstrapEntries) + " are allowed";
    return false;
  }
  for (const auto& item : v.GetArray()) {
    if (!item.IsString()) {
      error = key + " must hold \"host:port\" strings (got " + describe(item) + ")";
      return false;
    }
    std::string why;
    auto hp = parse_host_port({item.GetString(), item.GetStringLength()}, why);
    if (!hp) {
      error = key + ": " + describe(item) + ": " + why;
      return false;
    }
    if (std::find(out.begin(), out.end(), *hp) != out.end()) {
      error = key + " lists " + describe(item) + " twice";
      return false;
    }
    out.push_back(std::move(*hp));
  }
  return true;
}

bool read_bind(const rapidjson::Value& v, std::string& out, std::string& error) {
  unsigned char buf[16];
  if (v.IsString()) {
    std::string s(v.GetString(), v.GetStringLength());
    if (s.empty() || inet_pton(AF_INET, s.c_str(), buf) == 1 ||
        inet_pton(AF_INET6, s.c_str(), buf) == 1) {
      out = std::move(s);
      return true;
    }
  }
  error = std::string(kTable) +
          "bind must be a numeric IPv4 or IPv6 address, or \"\" for all addresses (got " +
          describe(v) + ")";
  return false;
}

}  // namespace

bool parse_dht_config(std::string_view json, DhtPluginConfig& out, std::string& error) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    error = "plugins.dht: the configuration is not a table";
    return false;
  }
  DhtPluginConfig cfg;
  bool has_bootstrap = false;
  for (const auto& m : doc.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    const rapidjson::Value& v = m.value;
    uint64_t n = 0;
    bool ok = true;
    if (key == "bootstrap") {
      ok = read_bootstrap(v, cfg.bootstrap, error);
      has_bootstrap = true;
    } else if (key == "port") {
      ok = read_uint(v, "port", 0, 65535, "port (0 = gossip port + 1)", n, error);
      cfg.port = static_cast<uint16_t>(n);
    } else if (key == "bind") {
      ok = read_bind(v, cfg.bind, error);
    } else if (key == "query_interval_ms") {
      ok = read_uint(v, "query_interval_ms", kMinQueryIntervalMs, kMaxQueryIntervalMs,
                     "number of milliseconds", cfg.query_interval_ms, error);
    } else if (key == "announce_interval_ms") {
      ok = read_uint(v, "announce_interval_ms", kMinAnnounceIntervalMs, kMaxAnnounceIntervalMs,
                     "number of milliseconds", cfg.announce_interval_ms, error);
    } else if (key == "max_exchanges_per_minute") {
      ok = read_uint(v, "max_exchanges_per_minute", 1, kMaxExchangesPerMinute, "count", n, error);
      cfg.max_exchanges_per_minute = static_cast<uint32_t>(n);
    } else {
      error = std::string(kTable) + printable(key) +
              " is not a known key (known: bootstrap, port, bind, query_interval_ms, "
              "announce_interval_ms, max_exchanges_per_minute)";
      return false;
    }
    if (!ok) return false;
  }
  if (!has_bootstrap) {
    std::string ignored;
    for (const char* d : kDefaultBootstrap) cfg.bootstrap.push_back(*parse_host_port(d, ignored));
  }
  cfg.bootstrap_is_default = !has_bootstrap;
  out = std::move(cfg);
  return true;
}

}  // namespace wgmesh::dht::plugin
