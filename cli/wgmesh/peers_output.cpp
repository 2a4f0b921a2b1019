#include "peers_output.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "ctl/human_units.h"
#include "ctl/json_util.h"

namespace wgmesh::cli {
namespace {

using ctl::member;
using ctl::string_items;
using ctl::string_member;

constexpr int64_t kNanosPerSecond = 1'000'000'000;

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

std::string format_one_decimal(double v, const char* suffix) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f%s", v, suffix);
  return buf;
}

// Go's int(float64): truncation; out-of-range values are clamped instead of being
// implementation-defined.
long long go_int(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 9.2e18) return std::numeric_limits<long long>::max();
  if (v <= -9.2e18) return std::numeric_limits<long long>::min();
  return static_cast<long long>(v);
}

void append_row(std::string& out, const std::string& hostname, const std::string& key,
                const std::string& mesh_ip, const std::string& endpoint,
                const std::string& last_seen, const std::string& latency, const std::string& via) {
  out += pad_right(hostname, 20) + ' ' + pad_right(key, 19) + ' ' + pad_right(mesh_ip, 15) + ' ' +
         pad_right(endpoint, 25) + ' ' + pad_right(last_seen, 10) + ' ' + pad_right(latency, 10) +
         ' ' + via + '\n';
}

}  // namespace

size_t code_point_count(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text)
    if (!is_continuation(c)) ++n;
  return n;
}

std::string first_code_points(std::string_view text, size_t n) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (is_continuation(static_cast<unsigned char>(text[i]))) continue;
    if (seen == n) return std::string(text.substr(0, i));
    ++seen;
  }
  return std::string(text);
}

std::string pad_right(std::string_view text, size_t width) {
  std::string out(text);
  for (size_t n = code_point_count(text); n < width; ++n) out += ' ';
  return out;
}

std::string relative_last_seen(std::string_view rfc3339, keys::UnixTime now) {
  auto t = ctl::parse_rfc3339(rfc3339);
  if (!t) return "unknown";
  // time.Since: saturating nanoseconds (Go's zero time gives the maximum duration, so a
  // never-seen peer reads "106751d" exactly as in the original).
  int64_t d = keys::go_age_nanos(now, *t);
  constexpr int64_t kMinute = 60 * kNanosPerSecond, kHour = 60 * kMinute, kDay = 24 * kHour;
  if (d < kMinute) return std::to_string(d / kNanosPerSecond) + "s";
  if (d < kHour) return std::to_string(d / kMinute) + "m";
  if (d < kDay) return std::to_string(d / kHour) + "h";
  return std::to_string(d / kDay) + "d";
}

std::optional<std::string> format_peers_list(const rapidjson::Value& result, keys::UnixTime now,
                                             std::string& out) {
  if (!result.IsObject()) return "Invalid response format";
  const rapidjson::Value* peers = member(result, "peers");
  if (!peers || !peers->IsArray()) return "Invalid peers data";  // null included, as in Go
  if (peers->Empty()) {
    out += "No active peers\n";
    return std::nullopt;
  }
  std::string text;
  append_row(text, "HOSTNAME", "PUBLIC KEY", "MESH IP", "ENDPOINT", "LAST SEEN", "LATENCY",
             "DISCOVERED VIA");
  text += std::string(130, '-') + '\n';
  // The daemon's order is kept: the original prints the list as it arrives.
  for (const auto& peer : peers->GetArray()) {
    if (!peer.IsObject()) continue;
    const rapidjson::Value* key = member(peer, "pubkey");
    if (!key || !key->IsString()) continue;
    std::string pubkey(key->GetString(), key->GetStringLength());
    std::string short_key =
        code_point_count(pubkey) > 16 ? first_code_points(pubkey, 16) + "..." : pubkey;
    std::string hostname = string_member(peer, "hostname");
    if (hostname.empty()) hostname = short_key;
    if (code_point_count(hostname) > 20) hostname = first_code_points(hostname, 17) + "...";
    std::string latency = "-";
    if (const rapidjson::Value* l = member(peer, "latency_ms"); l && l->IsNumber())
      latency = format_one_decimal(l->GetDouble(), "ms");
    append_row(text, hostname, short_key, string_member(peer, "mesh_ip"),
               string_member(peer, "endpoint"),
               relative_last_seen(string_member(peer, "last_seen"), now), latency,
               join(string_items(peer, "discovered_via"), ","));
  }
  out += text;
  return std::nullopt;
}

std::optional<std::string> format_peer_counts(const rapidjson::Value& result, std::string& out) {
  if (!result.IsObject()) return "Invalid response format";
  const rapidjson::Value* active = member(result, "active");
  const rapidjson::Value* total = member(result, "total");
  const rapidjson::Value* dead = member(result, "dead");
  if (!active || !active->IsNumber() || !total || !total->IsNumber() || !dead || !dead->IsNumber())
    return "Invalid peer count data";
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "Peer Statistics\n===============\nActive peers: %lld\nTotal peers:  %lld\n"
                "Dead peers:   %lld\n",
                go_int(active->GetDouble()), go_int(total->GetDouble()), go_int(dead->GetDouble()));
  out += buf;
  return std::nullopt;
}

std::optional<std::string> format_peer_info(const rapidjson::Value& result, std::string& out) {
  if (!result.IsObject()) return "Invalid response format";
  std::string text = "Peer Information\n================\n";
  text += "Public Key:     " + string_member(result, "pubkey") + '\n';
  text += "Mesh IP:        " + string_member(result, "mesh_ip") + '\n';
  text += "Endpoint:       " + string_member(result, "endpoint") + '\n';
  text += "Last Seen:      " + string_member(result, "last_seen") + '\n';
  if (auto via = string_items(result, "discovered_via"); !via.empty())
    text += "Discovered Via: " + join(via, ", ") + '\n';
  if (auto routes = string_items(result, "routable_networks"); !routes.empty())
    text += "Routes:         " + join(routes, ", ") + '\n';
  // As the original: absent or null prints "-", a number its value, any other type nothing.
  const rapidjson::Value* latency = member(result, "latency_ms");
  if (!latency || latency->IsNull())
    text += "Latency:        -\n";
  else if (latency->IsNumber())
    text += "Latency:        " + format_one_decimal(latency->GetDouble(), " ms") + '\n';
  out += text;
  return std::nullopt;
}

}  // namespace wgmesh::cli
