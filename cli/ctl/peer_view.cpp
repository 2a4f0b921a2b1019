#include "ctl/peer_view.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <set>
#include <string_view>

#include "ctl/human_units.h"

namespace wgmesh::ctl {
namespace {

const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::string text(const rapidjson::Value& obj, const char* name) {
  const rapidjson::Value* v = member(obj, name);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

std::vector<std::string> strings(const rapidjson::Value& obj, const char* name) {
  std::vector<std::string> out;
  const rapidjson::Value* v = member(obj, name);
  if (v && v->IsArray())
    for (const auto& e : v->GetArray())
      if (e.IsString()) out.emplace_back(e.GetString(), e.GetStringLength());
  return out;
}

std::optional<uint64_t> counter(const rapidjson::Value& obj, const char* name) {
  const rapidjson::Value* v = member(obj, name);
  if (v && v->IsUint64()) return v->GetUint64();
  if (v && v->IsDouble() && v->GetDouble() >= 0) return static_cast<uint64_t>(v->GetDouble());
  return std::nullopt;
}

std::string json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
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
    t.raw = json_text(*v);
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
  t.raw = json_text(*v);
  t.never = true;
  return t;
}

bool peer_from_json(const rapidjson::Value& v, PeerView& out) {
  if (!v.IsObject()) return false;
  PeerView p;
  p.pubkey = text(v, "pubkey");
  if (p.pubkey.empty()) p.pubkey = text(v, "wg_pubkey");
  if (p.pubkey.empty()) return false;
  p.hostname = text(v, "hostname");
  p.mesh_ip = text(v, "mesh_ip");
  p.mesh_ipv6 = text(v, "mesh_ipv6");
  p.endpoint = text(v, "endpoint");
  p.nat_type = text(v, "nat_type");
  p.relay_via = text(v, "relay_via");
  p.discovered_via = strings(v, "discovered_via");
  p.routable_networks = strings(v, "routable_networks");
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
    if (!kKnown.count(name)) p.extra.emplace_back(std::string(name), json_text(m.value));
  }
  out = std::move(p);
  return true;
}

}  // namespace wgmesh::ctl
