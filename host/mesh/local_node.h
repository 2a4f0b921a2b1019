// The local node as discovery sees it: identity, mesh addresses, the advertised endpoint
// (chosen from several sources by a precedence policy), NAT type, introducer flag and
// advertised routes — with change notifications so plugins re-announce at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "keys/announcement.h"

namespace wgmesh {

class PeerStore;

class LocalNode {
 public:
  std::string pubkey;
  std::string hostname;
  std::string mesh_ip;
  std::string mesh_ipv6;
  std::string nat_type;
  bool introducer = false;
  std::vector<std::string> routes;
  uint16_t listen_port = 51820;

  // Proposes an endpoint learned by `source` ("stun", "ipv6-scan", "reflected:<peer>", a
  // plugin name...). The advertised port is always the WireGuard listen port. Returns true
  // if the effective endpoint changed.
  bool propose_endpoint(const std::string& endpoint, const std::string& source);
  // The advertised endpoint: an IPv6 scan result, else STUN, else a reflected address two
  // peers agree on, else another plugin's, else "0.0.0.0:<port>" (peers then use the
  // address they see us at).
  std::string endpoint() const;

  bool set_nat_type(const std::string& nat);  // true if changed
  // A collision re-derivation moved our IPv4 mesh address (daemon.md §8); true if changed.
  bool set_mesh_ip(const std::string& ip);
  bool set_routes(std::vector<std::string> routes);

  // The announcement payload (Go field order via keys::announcement_to_json).
  keys::PeerAnnouncement announcement(const PeerStore* store, uint32_t max_known_peers,
                                      int64_t now_unix) const;
  std::string json() const;

  uint64_t subscribe(std::function<void()> cb);
  void unsubscribe(uint64_t id);
  void notify_changed();

 private:
  std::map<std::string, std::string> proposals_;  // source -> endpoint (host:port)
  std::map<uint64_t, std::function<void()>> subscribers_;
  uint64_t next_id_ = 1;
};

}  // namespace wgmesh
