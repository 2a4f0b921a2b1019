// Reconcile: make the WireGuard device (peers, allowed IPs, keepalive, PSK) and the kernel
// routes match the peer store. Event-driven — a store change is applied within
// milliseconds (a short debounce coalesces bursts) — plus a slow periodic pass that repairs
// drift made outside the daemon. It diffs the desired state against the device's REAL state
// and applies only the difference; a peer whose change fails is retried on its own so one
// bad peer never blocks the others.
//
// Relay routing (daemon.md §5.3, §7; decisions in relay_policy.h): a peer P that is relayed
// through R has its target set (mesh /32, /128, routable networks) on R's entry, and kernel
// routes for its networks use R's mesh address as gateway. P's own entry stays configured
// with its endpoint and keepalive but no allowed IPs, so handshakes keep being attempted and
// both ends see the same evidence (except with force_relay: see reconciler.cpp). While any
// peer is relayed or waits for its first handshake, a cheap timer re-evaluates (≤ 5 s).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "mesh/handshake_starter.h"
#include "mesh/peer_store.h"
#include "mesh/relay_policy.h"
#include "runtime/event_loop.h"
#include "runtime/metrics.h"
#include "wireguard/backend.h"
#include "wireguard/diff.h"
#include "wireguard/netlink_route.h"

namespace wgmesh {

struct ReconcileSettings {
  std::string ifname;
  wg::Key psk;
  uint16_t keepalive_seconds = 25;
  bool manage_routes = true;
  uint64_t debounce_ms = 2;
  uint64_t periodic_ms = 30000;  // drift repair only: every store change reconciles at once
  // A peer with a handshake younger than this keeps the endpoint WireGuard learned from its
  // authenticated packets (it may have roamed or sit behind a NAT that rewrote its port).
  int64_t trust_roamed_endpoint_s = 150;
  std::vector<wg::IpPrefix> local_addresses;  // our mesh addresses: no peer may claim them
  // Who initiates the first handshake with a new peer, and when a first initiation that
  // went nowhere is restarted: see handshake_starter.h.
  std::string local_pubkey;
  HandshakeStarterSettings handshake;  // local_pubkey is filled in from the field above

  // Relay routing (daemon.md §5.3). `introducer`: this node relays for others and never
  // relays itself (rule 1); `force_relay`: relay every non-LAN peer when a relay exists.
  bool introducer = false;
  bool force_relay = false;
  bool no_ipv6 = false;
  relay::Settings relay;
  uint64_t relay_recheck_max_ms = 5000;  // re-evaluation period while relaying or waiting
  // Turn on IPv4/IPv6 forwarding for the interface itself (a relay forwards wg -> wg). Only
  // the interface's own sysctls are written; no firewall rules are added (see reconciler.cpp).
  bool enable_forwarding = false;
};

struct ReconcileStats {
  uint64_t runs = 0;
  uint64_t applies = 0;  // runs that changed something
  uint64_t peers_added = 0;
  uint64_t peers_removed = 0;
  uint64_t peers_changed = 0;
  uint64_t peer_errors = 0;
  uint64_t routes_added = 0;
  uint64_t routes_removed = 0;
  uint64_t last_duration_us = 0;
  uint64_t relay_switches = 0;
  size_t relayed_peers = 0;
  std::string last_error;
};

class Reconciler {
 public:
  using OfflineCheck = std::function<bool(const std::string& pubkey)>;
  using Clock = std::function<int64_t()>;  // wall clock, ms
  using NatTypeSource = std::function<std::string()>;
  using NetworksSource = std::function<std::vector<wg::IpPrefix>()>;

  Reconciler(EventLoop& loop, wg::Backend& backend, wg::RouteNetlink* routes, PeerStore& store,
             Metrics& metrics, ReconcileSettings settings);

  void start();
  void stop();
  void request();  // debounced run, against the cached device state when there is one
  // One pass. `fresh_read`: read the whole device first (the periodic drift repair, timers
  // that wait for handshakes); otherwise diff against the state of the last read plus what
  // was applied since, which keeps a one-peer change cheap on a device with 1000 peers.
  Status run_once(bool fresh_read = true);

  void set_offline_check(OfflineCheck check) { offline_ = std::move(check); }
  void set_local_addresses(std::vector<wg::IpPrefix> addrs) {
    settings_.local_addresses = std::move(addrs);
  }
  // The local NAT type as discovery last reported it (rule 10). Default: unknown.
  void set_nat_type_source(NatTypeSource source) { nat_type_ = std::move(source); }
  // Networks of the local interfaces (rule 4). Default: getifaddrs(), up, not loopback, not
  // our own interface. Tests inject their own.
  void set_local_networks_source(NetworksSource source) { local_networks_ = std::move(source); }
  void set_clock(Clock clock) { clock_ = std::move(clock); }

  // "direct" or "relay:<relay hostname or 16-char key...>" (the status/RPC route field).
  std::string route_label(const std::string& pubkey) const;
  // The relay carrying `pubkey`'s prefixes, "" when direct.
  std::string relay_of(const std::string& pubkey) const { return relay_.relay_of(pubkey); }

  // WireGuard's view of each peer from the latest device read (handshakes, counters).
  const wg::PeerState* facts(const std::string& pubkey) const;
  // Re-reads the device (also refreshes the cached state), unless the last read is at most
  // `max_age_ms` old: RPC clients polling peer lists many times a second then share reads.
  Status refresh_facts(int64_t max_age_ms = 0);
  const ReconcileStats& stats() const { return stats_; }
  // The kernel routes the last run wanted (through the relay's mesh address when relayed).
  const std::vector<wg::Route>& last_routes() const { return last_routes_; }

 private:
  // The device's peers by base64 key: built once per pass for every step that looks them up.
  using DevicePeers = std::map<std::string, const wg::PeerState*>;
  std::vector<const PeerRecord*> configurable_peers() const;
  // Evaluates the relay policy for `peers`, logs and counts switches, arms the recheck timer.
  void plan_relays(const DevicePeers& device_peers, const std::vector<const PeerRecord*>& peers);
  void schedule_relay_recheck(std::optional<int64_t> at_ms);
  void ensure_forwarding();
  std::string display_name(const std::string& pubkey) const;
  int64_t now_ms() const;
  wg::DesiredDevice desired(const DevicePeers& device_peers,
                            const std::vector<const PeerRecord*>& peers,
                            std::vector<wg::Route>& routes) const;
  Status apply(const wg::DeviceUpdate& update);
  void sync_routes(const std::vector<wg::Route>& wanted);
  void remember(const wg::DeviceState& state);
  void add_kicks(const wg::DesiredDevice& want, wg::DeviceUpdate& update) const;
  void schedule_starter();

  EventLoop& loop_;
  wg::Backend& backend_;
  wg::RouteNetlink* routes_;
  PeerStore& store_;
  Metrics& metrics_;
  ReconcileSettings settings_;
  OfflineCheck offline_;
  std::unique_ptr<Timer> debounce_;
  std::unique_ptr<Timer> periodic_;
  std::map<std::string, wg::PeerState> facts_;                  // base64 pubkey -> state
  mutable std::set<std::string> refused_prefix_logged_;         // log each refusal once
  mutable std::map<std::string, int64_t> first_configured_ms_;  // pubkey -> when first wanted
  mutable HandshakeStarter starter_;
  mutable std::set<std::string> kicks_;    // peers whose first initiation is restarted this pass
  std::unique_ptr<Timer> deferred_;        // the starter's next moment
  std::optional<wg::DeviceState> cached_;  // last full read + the updates applied since
  std::optional<int64_t> last_read_ms_;    // when cached_ was last read whole from the device
  relay::RelayPolicy relay_;
  std::unique_ptr<Timer> relay_timer_;
  NatTypeSource nat_type_;
  NetworksSource local_networks_;
  Clock clock_;
  bool forwarding_warned_ = false;
  std::vector<wg::Route> last_routes_;
  ReconcileStats stats_;
};

}  // namespace wgmesh
