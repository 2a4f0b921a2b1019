#include "mesh/peer_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <ctime>

namespace wgmesh {
namespace {

void write_peer(rapidjson::Writer<rapidjson::StringBuffer>& w, const PeerView& v) {
  const PeerRecord& p = *v.peer;
  w.StartObject();
  w.Key("pubkey");
  w.String(p.pubkey.c_str());
  if (!p.hostname.empty()) {
    w.Key("hostname");
    w.String(p.hostname.c_str());
  }
  w.Key("mesh_ip");
  w.String(p.mesh_ip.c_str());
  w.Key("endpoint");
  w.String(v.endpoint.c_str());
  w.Key("last_seen");
  w.String(rfc3339_utc(p.last_seen_ms / 1000).c_str());
  w.Key("discovered_via");
  if (p.discovered_via.empty()) {
    w.Null();
  } else {
    w.StartArray();
    for (const auto& d : p.discovered_via) w.String(d.c_str());
    w.EndArray();
  }
  if (!p.routable_networks.empty()) {
    w.Key("routable_networks");
    w.StartArray();
    for (const auto& n : p.routable_networks) w.String(n.c_str());
    w.EndArray();
  }
  if (p.latency_ms) {
    w.Key("latency_ms");
    w.Int64(static_cast<int64_t>(*p.latency_ms));
  }
  // Additions (never rename or retype the members above).
  if (!p.mesh_ipv6.empty()) {
    w.Key("mesh_ipv6");
    w.String(p.mesh_ipv6.c_str());
  }
  w.Key("introducer");
  w.Bool(p.introducer);
  if (!p.nat_type.empty()) {
    w.Key("nat_type");
    w.String(p.nat_type.c_str());
  }
  w.Key("endpoint_source");
  w.String(v.endpoint_source.c_str());
  w.Key("active");
  w.Bool(v.active);
  w.Key("last_seen_unix");
  w.Int64(p.last_seen_ms / 1000);
  w.Key("last_handshake_unix");
  w.Int64(v.wg ? v.wg->last_handshake.sec : 0);
  w.Key("rx_bytes");
  w.Uint64(v.wg ? v.wg->rx_bytes : 0);
  w.Key("tx_bytes");
  w.Uint64(v.wg ? v.wg->tx_bytes : 0);
  w.Key("configured");
  w.Bool(v.wg != nullptr);
  w.Key("route");
  w.String(v.route.c_str());
  w.EndObject();
}

}  // namespace

std::string rfc3339_utc(int64_t unix_seconds) {
  if (unix_seconds <= 0) return "0001-01-01T00:00:00Z";
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string peer_view_json(const PeerView& view) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  write_peer(w, view);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string peer_list_json(const std::vector<PeerView>& views, bool wrap_in_object) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  if (wrap_in_object) {
    w.StartObject();
    w.Key("peers");
  }
  w.StartArray();
  for (const auto& v : views) write_peer(w, v);
  w.EndArray();
  if (wrap_in_object) w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace wgmesh
