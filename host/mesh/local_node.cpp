#include "mesh/local_node.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "mesh/peer_store.h"

namespace wgmesh {
namespace {
std::string with_port(const std::string& endpoint, uint16_t port) {
  std::string host;
  uint16_t ignored = 0;
  if (!split_host_port(endpoint, host, ignored)) return "";
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}
}  // namespace

bool LocalNode::propose_endpoint(const std::string& endpoint, const std::string& source) {
  std::string before = this->endpoint();
  std::string normalized = with_port(endpoint, listen_port);
  if (normalized.empty()) return false;
  proposals_[source] = normalized;
  bool changed = this->endpoint() != before;
  if (changed) notify_changed();
  return changed;
}

std::string LocalNode::endpoint() const {
  if (auto it = proposals_.find("ipv6-scan"); it != proposals_.end()) return it->second;
  if (auto it = proposals_.find("stun"); it != proposals_.end()) return it->second;
  // A reflected address counts only when two different peers saw us at the same address:
  // one peer alone (or one replayed REPLY) must not be able to move our endpoint.
  std::map<std::string, int> votes;
  for (const auto& [source, ep] : proposals_)
    if (source.rfind("reflected:", 0) == 0) ++votes[ep];
  for (const auto& [ep, n] : votes)
    if (n >= 2) return ep;
  for (const auto& [source, ep] : proposals_)
    if (source.rfind("reflected:", 0) != 0) return ep;
  return "0.0.0.0:" + std::to_string(listen_port);
}

bool LocalNode::set_nat_type(const std::string& nat) {
  if (nat == nat_type) return false;
  nat_type = nat;
  notify_changed();
  return true;
}

bool LocalNode::set_mesh_ip(const std::string& ip) {
  if (ip == mesh_ip) return false;
  mesh_ip = ip;
  notify_changed();  // peers must learn the new address before they route to it
  return true;
}

bool LocalNode::set_routes(std::vector<std::string> r) {
  if (r == routes) return false;
  routes = std::move(r);
  notify_changed();
  return true;
}

keys::PeerAnnouncement LocalNode::announcement(const PeerStore* store, uint32_t max_known_peers,
                                               int64_t now_unix) const {
  keys::PeerAnnouncement a;
  a.wg_pubkey = pubkey;
  a.hostname = hostname;
  a.mesh_ip = mesh_ip;
  a.mesh_ipv6 = mesh_ipv6;
  a.wg_endpoint = endpoint();
  a.introducer = introducer;
  a.routable_networks = routes;
  a.timestamp = now_unix;
  a.nat_type = nat_type;
  if (store && max_known_peers > 0) {
    // Most recently seen first, capped: a full list exceeds the path MTU from ~4 peers on
    // and the UDP maximum from ~230 (discovery.md §2.3).
    std::vector<const PeerRecord*> peers = store->active();
    std::sort(peers.begin(), peers.end(), [](const PeerRecord* x, const PeerRecord* y) {
      return x->last_seen_ms > y->last_seen_ms;
    });
    for (const PeerRecord* p : peers) {
      if (a.known_peers.size() >= max_known_peers) break;
      if (p->pubkey == pubkey || p->mesh_ip.empty()) continue;
      keys::KnownPeer k;
      k.wg_pubkey = p->pubkey;
      k.hostname = p->hostname;
      k.mesh_ip = p->mesh_ip;
      k.mesh_ipv6 = p->mesh_ipv6;
      k.wg_endpoint = store->endpoint_of(*p);
      k.introducer = p->introducer;
      k.nat_type = p->nat_type;
      a.known_peers.push_back(std::move(k));
    }
  }
  return a;
}

std::string LocalNode::json() const {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("wg_pubkey");
  w.String(pubkey.c_str());
  w.Key("hostname");
  w.String(hostname.c_str());
  w.Key("mesh_ip");
  w.String(mesh_ip.c_str());
  w.Key("mesh_ipv6");
  w.String(mesh_ipv6.c_str());
  w.Key("endpoint");
  w.String(endpoint().c_str());
  w.Key("nat_type");
  w.String(nat_type.c_str());
  w.Key("introducer");
  w.Bool(introducer);
  w.Key("routable_networks");
  w.StartArray();
  for (const auto& r : routes) w.String(r.c_str());
  w.EndArray();
  w.Key("listen_port");
  w.Uint(listen_port);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

uint64_t LocalNode::subscribe(std::function<void()> cb) {
  uint64_t id = next_id_++;
  subscribers_[id] = std::move(cb);
  return id;
}

void LocalNode::unsubscribe(uint64_t id) { subscribers_.erase(id); }

void LocalNode::notify_changed() {
  auto copy = subscribers_;  // a subscriber may unsubscribe while being told
  for (auto& [id, cb] : copy) cb();
}

}  // namespace wgmesh
