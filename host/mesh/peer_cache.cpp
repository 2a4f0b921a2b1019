#include "mesh/peer_cache.h"

#include <filesystem>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "common/atomic_file.h"

namespace wgmesh {

std::string peer_cache_path(const std::string& state_dir, const std::string& ifname) {
  return (std::filesystem::path(state_dir) / (ifname + "-peers.json")).string();
}

std::string serialize_peer_cache(const PeerStore& store, int64_t now_unix) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("peers");
  auto peers = store.all();
  if (peers.empty()) {
    w.Null();
  } else {
    w.StartArray();
    for (const PeerRecord* p : peers) {
      w.StartObject();
      w.Key("wg_pubkey");
      w.String(p->pubkey.c_str());
      if (!p->hostname.empty()) {
        w.Key("hostname");
        w.String(p->hostname.c_str());
      }
      w.Key("mesh_ip");
      w.String(p->mesh_ip.c_str());
      if (!p->mesh_ipv6.empty()) {
        w.Key("mesh_ipv6");
        w.String(p->mesh_ipv6.c_str());
      }
      w.Key("endpoint");
      w.String(store.endpoint_of(*p).c_str());
      if (p->introducer) {
        w.Key("introducer");
        w.Bool(true);
      }
      if (!p->routable_networks.empty()) {
        w.Key("routable_networks");
        w.StartArray();
        for (const auto& n : p->routable_networks) w.String(n.c_str());
        w.EndArray();
      }
      if (!p->nat_type.empty()) {
        w.Key("nat_type");
        w.String(p->nat_type.c_str());
      }
      w.Key("last_seen");
      w.Int64(p->last_seen_ms / 1000);
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("updated_at");
  w.Int64(now_unix);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

Result<std::vector<CachedPeer>> parse_peer_cache(const std::string& json, int64_t now_unix, int64_t max_age_s) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return Error{"peer cache is not a JSON object"};
  std::vector<CachedPeer> out;
  auto peers = doc.FindMember("peers");
  if (peers == doc.MemberEnd() || peers->value.IsNull()) return out;
  if (!peers->value.IsArray()) return Error{"peer cache: 'peers' must be an array"};
  for (const auto& e : peers->value.GetArray()) {
    if (!e.IsObject()) continue;
    auto str = [&](const char* k) -> std::optional<std::string> {
      auto it = e.FindMember(k);
      if (it == e.MemberEnd() || !it->value.IsString()) return std::nullopt;
      return std::string(it->value.GetString(), it->value.GetStringLength());
    };
    CachedPeer c;
    auto key = str("wg_pubkey");
    if (!key) continue;
    c.report.pubkey = *key;
    c.report.mesh_ip = str("mesh_ip");
    c.report.mesh_ipv6 = str("mesh_ipv6");
    c.report.hostname = str("hostname");
    auto ep = str("endpoint");
    if (ep && !ep->empty()) c.report.endpoint = ep;
    c.report.nat_type = str("nat_type");
    if (auto it = e.FindMember("introducer"); it != e.MemberEnd() && it->value.IsBool())
      c.report.introducer = it->value.GetBool();
    if (auto it = e.FindMember("routable_networks"); it != e.MemberEnd() && it->value.IsArray()) {
      std::vector<std::string> nets;
      for (const auto& n : it->value.GetArray())
        if (n.IsString()) nets.emplace_back(n.GetString());
      c.report.routable_networks = std::move(nets);
    }
    if (auto it = e.FindMember("last_seen"); it != e.MemberEnd() && it->value.IsInt64())
      c.last_seen_unix = it->value.GetInt64();
    if (now_unix - c.last_seen_unix > max_age_s) continue;
    c.report.last_seen_unix = c.last_seen_unix;
    out.push_back(std::move(c));
  }
  return out;
}

Status save_peer_cache(const std::string& state_dir, const std::string& ifname, const PeerStore& store,
                       int64_t now_unix) {
  return write_file_atomically(peer_cache_path(state_dir, ifname), serialize_peer_cache(store, now_unix), 0600);
}

}  // namespace wgmesh
