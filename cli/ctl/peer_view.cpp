#include "ctl/peer_view.h"

#include <cmath>
#include <set>
#include <string_view>

#include "ctl/human_units.h"
#include "ctl/json_util.h"

namespace wgmesh::ctl {
namespace {

std::optional<uint64_t> counter(const rapidjson::Value& obj, const char* name) {
  const rapidjson::Value* v = member(obj, name);
  if (v && v->IsUint64()) return v->GetUint64();
  if (v && v->IsDouble() && v->GetDouble() >= 0) return static_cast<uint64_t>(v->GetDouble());
  return std::nullopt;
}

}  // namespace

Timestamp timestamp_from_json(const rapidjson::Value* v) {
  Timestamp t;
  if (!v || v->IsNull()) return t;
  t.present = true;
  if (v->IsString()) {
    t.raw.assign(v->GetString(), v->GetStringLength());
    auto parsed = parse_rfc3339(t.raw);
    if (!parsed || *parsed <= 0) {
      t.never = true;  // Go's zero time, or unreadable: nothing useful to show as "ago"
    } else {
      t.unix = *parsed;
    }
    return t;
  }
  if (v->IsNumber()) {
    double n = v->GetDouble();
    t.raw = compact_json(*v);
    if (!(n > 0)) {
      t.never = true;
    } else if (n > 1e16) {
      t.unix = static_cast<int64_t>(n / 1e9);  // nanoseconds
    } else if (n > 1e11) {
      t.unix = static_cast<int64_t>(n / 1e3);  // milliseconds
    } else {
      t.unix = static_cast<int64_t>(n);
    }
    return t;
  }
  t.raw = compact_json(*v);
  t.never = true;
  return t;
}

bool peer_from_json(const rapidjson::Value& v, PeerView& out) {
  if (!v.IsObject()) return false;
  PeerView p;
  p.pubkey = string_member(v, "pubkey");
  if (p.pubkey.empty()) p.pubkey = string_member(v, "wg_pubkey");
  if (p.pubkey.empty()) return false;
  p.hostname = string_member(v, "hostname");
  p.mesh_ip = string_member(v, "mesh_ip");
  p.mesh_ipv6 = string_member(v, "mesh_ipv6");
  p.endpoint = string_member(v, "endpoint");
  p.nat_type = string_member(v, "nat_type");
  p.relay_via = string_member(v, "relay_via");
  p.discovered_via = string_items(v, "discovered_via");
  p.routable_networks = string_items(v, "routable_networks");
  // The original sends last_seen as RFC 3339; the C++ mesh layer adds *_unix numbers.
  p.last_seen = timestamp_from_json(member(v, "last_seen"));
  if (!p.last_seen.present) p.last_seen = timestamp_from_json(member(v, "last_seen_unix"));
  p.last_handshake = timestamp_from_json(member(v, "last_handshake"));
  if (!p.last_handshake.present)
    p.last_handshake = timestamp_from_json(member(v, "last_handshake_unix"));
  p.rx_bytes = counter(v, "rx_bytes");
  p.tx_bytes = counter(v, "tx_bytes");
  if (const rapidjson::Value* l = member(v, "latency_ms"); l && l->IsNumber())
    p.latency_ms = l->GetDouble();
  if (const rapidjson::Value* a = member(v, "active"); a && a->IsBool()) p.active = a->GetBool();

  static const std::set<std::string_view> kKnown{
      "pubkey",    "wg_pubkey",      "hostname",           "mesh_ip",        "mesh_ipv6",
      "endpoint",  "nat_type",       "relay_via",          "discovered_via", "routable_networks",
      "last_seen", "last_handshake", "rx_bytes",           "tx_bytes",       "latency_ms",
      "active",    "last_seen_unix", "last_handshake_unix"};
  for (const auto& m : v.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (!kKnown.count(name)) p.extra.emplace_back(std::string(name), compact_json(m.value));
  }
  out = std::move(p);
  return true;
}

}  // namespace wgmesh::ctl
