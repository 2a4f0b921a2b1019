// Reconcile: make the WireGuard device (peers, allowed IPs, keepalive, PSK) and the kernel
// routes match the peer store. Event-driven — a store change is applied within
// milliseconds (a short debounce coalesces bursts) — plus a slow periodic pass that repairs
// drift made outside the daemon. It diffs the desired state against the device's REAL state
// and applies only the difference; a peer whose change fails is retried on its own so one
// bad peer never blocks the others.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "mesh/peer_store.h"
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
  // Who initiates the first handshake with a new peer. WireGuard starts a handshake as soon
  // as a keepalive is configured; when both ends configure each other within milliseconds
  // the two initiations cross and cancel, costing a 5 s REKEY_TIMEOUT (testbed.md §2). So
  // the end with the greater public key holds its keepalive back until the handshake
  // happened (or `initiator_grace_ms` passed) and answers the other's initiation instead.
  // The grace is short: if the other end configured us earlier, its first initiation was
  // dropped (we did not know it yet) and it only retries after 5 s, so we initiate soon.
  std::string local_pubkey;
  int64_t initiator_grace_ms = 300;
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
  std::string last_error;
};

class Reconciler {
 public:
  using OfflineCheck = std::function<bool(const std::string& pubkey)>;

  Reconciler(EventLoop& loop, wg::Backend& backend, wg::RouteNetlink* routes, PeerStore& store,
             Metrics& metrics, ReconcileSettings settings);

  void start();
  void stop();
  void request();   // debounced run
  Status run_once();

  void set_offline_check(OfflineCheck check) { offline_ = std::move(check); }
  void set_local_addresses(std::vector<wg::IpPrefix> addrs) { settings_.local_addresses = std::move(addrs); }

  // WireGuard's view of each peer from the latest device read (handshakes, counters).
  const wg::PeerState* facts(const std::string& pubkey) const;
  Status refresh_facts();  // re-read the device now
  const ReconcileStats& stats() const { return stats_; }

 private:
  wg::DesiredDevice desired(const wg::DeviceState& actual, std::vector<wg::Route>& routes) const;
  Status apply(const wg::DeviceUpdate& update);
  void sync_routes(const std::vector<wg::Route>& wanted);
  void remember(const wg::DeviceState& state);

  EventLoop& loop_;
  wg::Backend& backend_;
  wg::RouteNetlink* routes_;
  PeerStore& store_;
  Metrics& metrics_;
  ReconcileSettings settings_;
  OfflineCheck offline_;
  std::unique_ptr<Timer> debounce_;
  std::unique_ptr<Timer> periodic_;
  std::map<std::string, wg::PeerState> facts_;  // base64 pubkey -> state
  mutable std::set<std::string> refused_prefix_logged_;  // log each refusal once
  mutable std::map<std::string, int64_t> first_configured_ms_;  // pubkey -> when first wanted
  mutable bool keepalive_deferred_ = false;  // some peer still waits: reconcile again soon
  std::unique_ptr<Timer> deferred_;
  ReconcileStats stats_;
};

}  // namespace wgmesh
