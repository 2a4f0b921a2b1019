// The mesh layer of a node: identity, keys, the WireGuard interface, the peer store, the
// control channel, reconcile and health — and the MeshServices the plugin table exposes.
#pragma once

#include <memory>
#include <string>

#include "mesh/address_space.h"
#include "mesh/collision.h"
#include "mesh/control_channel.h"
#include "mesh/health.h"
#include "mesh/identity.h"
#include "mesh/local_node.h"
#include "mesh/mesh_ip_filter.h"
#include "mesh/mesh_keys.h"
#include "mesh/peer_cache.h"
#include "mesh/peer_json.h"
#include "mesh/peer_sources.h"
#include "mesh/peer_store.h"
#include "mesh/reconciler.h"
#include "runtime/config.h"
#include "runtime/host_core.h"
#include "runtime/mesh_services.h"
#include "wireguard/backend.h"
#include "wireguard/netlink_route.h"

namespace wgmesh {

class MeshNode final : public MeshServices {
 public:
  MeshNode(HostCore& core, const NodeConfig& config, MeshKeys keys);
  ~MeshNode() override;

  Status start() override;
  void stop() override;
  Status reload_routes(const std::vector<std::string>& routes) override;

  // MeshServices
  int key_value(const std::string& name, std::string& out) override;
  int hourly_infohash(int64_t unix_seconds, uint8_t out[20]) override;
  int epoch_hmac(const uint8_t* msg, size_t len, uint8_t out[32]) override;
  int seal(const std::string& type, const std::string& payload, std::string& out) override;
  int open(const uint8_t* data, size_t len, uint32_t flags, const sockaddr* from,
           socklen_t from_len, std::string& type, std::string& payload) override;
  std::string local_announcement(uint32_t max_known_peers) override;
  std::string local_node_json() override;
  int set_local_endpoint(const std::string& endpoint, const std::string& source) override;
  int set_local_nat_type(const std::string& nat_type) override;
  uint64_t subscribe_local(std::function<void()> cb) override;
  int register_source(const std::string& label, int rank, int cls) override;
  int report_peer(const std::string& label, const std::string& json,
                  const std::string& reporter) override;
  int remove_peer(const std::string& pubkey, const std::string& reason) override;
  int peer_json(const std::string& pubkey, std::string& out) override;
  std::string peers_json(bool active_only) override;
  size_t peer_count(bool active_only) override;
  uint64_t subscribe_peers(std::function<void(PeerEvent, const std::string&)> cb) override;
  void unsubscribe(uint64_t id) override;
  void request_reconcile() override;
  int control_register(const std::string& type, const std::string& owner,
                       ControlHandler handler) override;
  void control_unregister_owner(const std::string& owner) override;
  int control_send(const std::string& type, const std::string& payload, const sockaddr* to,
                   socklen_t to_len) override;
  int control_exchange(const sockaddr* to, socklen_t to_len, uint32_t flags, uint32_t timeout_ms,
                       const std::string& label, ExchangeDone done) override;

  const LocalNode& local() const { return local_; }
  PeerStore& store() { return store_; }

 private:
  Status setup_interface();
  void register_rpc();
  void on_store_events();
  void save_cache();
  // A peer came or went: save the cache within kCacheSaveDelayMs (coalescing a burst)
  // instead of at the next 60 s housekeeping, so a node killed soon after it met its peers
  // still finds and greets them at once when it comes back.
  void save_cache_soon();
  PeerView view_of(const PeerRecord& p) const;
  void log_status();
  bool is_mesh_address(const std::string& ip) const;
  std::vector<wg::IpPrefix> local_prefixes() const;
  // Mesh IP collisions (daemon.md §8): scan after store changes; move if we lost.
  void check_collisions();
  void move_mesh_ipv4(const std::string& ip);

  HostCore& core_;
  NodeConfig config_;
  MeshKeys keys_;
  NodeIdentity identity_;
  std::unique_ptr<AddressSpace> addresses_;  // borrows keys_
  std::unique_ptr<MeshIpFilter> mesh_ip_filter_;
  std::unique_ptr<CollisionResolver> collisions_;
  LocalNode local_;
  SourceRegistry sources_;
  PeerStore store_;
  keys::ReplayCache plugin_replay_;
  std::unique_ptr<wg::Backend> backend_;
  std::unique_ptr<wg::RouteNetlink> routes_;
  std::unique_ptr<ControlChannel> control_;
  std::unique_ptr<Reconciler> reconciler_;
  std::unique_ptr<HealthMonitor> health_;
  std::unique_ptr<Timer> event_flush_;
  std::unique_ptr<Timer> housekeeping_;
  std::unique_ptr<Timer> cache_save_;  // soon after peers come or go (see save_cache_soon)
  std::unique_ptr<Timer> status_log_;
  std::map<uint64_t, std::function<void(PeerEvent, const std::string&)>> peer_subscribers_;
  std::map<uint64_t, uint64_t> local_subscriptions_;  // our id -> LocalNode id
  uint64_t next_sub_id_ = 1;
  bool started_ = false;
};

// Builds a MeshNode from the configuration (parses and checks the secret).
Result<std::unique_ptr<MeshNode>> make_mesh_node(HostCore& core, const NodeConfig& config,
                                                 const std::string& secret_text);

}  // namespace wgmesh
