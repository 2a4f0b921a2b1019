// Health (daemon.md §6): is each configured peer still there? Two signals:
//  - WireGuard's own facts: rx bytes growing means the peer is alive (its keepalives and
//    traffic arrive); no need to probe it;
//  - a probe over the tunnel for peers that went quiet: "ping\n" → "pong\n" over TCP to
//    <mesh ip>:<probe port> — the original's protocol, so Go peers answer too — on a
//    persistent, non-blocking connection bound to the WireGuard interface.
// A peer that fails `fail_limit` probes in a row is evicted: removed from the store (and so
// from WireGuard by reconcile) and held offline for `offline_ms`, so a dead peer is gone in
// seconds (the original needed 8 probes after a 150 s handshake staleness: minutes).
// The monitor also runs the probe server that answers other nodes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "common/result.h"
#include "mesh/peer_store.h"
#include "mesh/reconciler.h"
#include "runtime/event_loop.h"
#include "runtime/metrics.h"

namespace wgmesh {

struct HealthSettings {
  std::string ifname;
  std::string mesh_ip;
  std::string mesh_ipv6;
  uint16_t probe_port = 0;
  uint64_t interval_ms = 2000;  // while data flows to some peer (the fast signal needs it)
  // While nothing but keepalives flows and no peer is suspect. Each tick reads the whole
  // device from WireGuard, so an idle node wakes 2.5x less; a silent peer is still noticed
  // by `quiet_ms` + one tick, and the first tick that sees data switches to `interval_ms`.
  uint64_t idle_interval_ms = 5000;
  uint64_t suspect_interval_ms = 1000;  // while a probe is out or failing
  // An idle live peer's persistent keepalive (25 s) makes rx grow at least every 25 s, so a
  // peer silent for longer than `quiet_ms` is probed; one we are sending data to (tx grows
  // by more than keepalives) is probed after `busy_quiet_ms` without an answer.
  uint64_t quiet_ms = 30000;
  uint64_t busy_quiet_ms = 3000;
  uint64_t probe_timeout_ms = 900;  // under one (suspect) tick, so each tick settles the last probe
  // The probe server closes a connection idle this long. The original uses 10 s, but an
  // idle C++ node probes the peers whose keepalives it does not receive (WireGuard sends
  // keepalives in one direction only: any packet resets the other side's timer) every
  // quiet_ms + one tick, so with 10 s every probe paid a new TCP connection and its close
  // (four extra wakeups and ~8 tunnel packets). Longer than that period, the connection
  // is reused; the connection cap (256) still bounds what peers can make us hold.
  uint64_t server_idle_ms = 60000;
  int fail_limit = 3;
  int64_t grace_ms = 20000;  // new peers get time to complete their first handshake
  int64_t offline_ms = 30000;
  bool no_ipv6 = false;
};

class HealthMonitor {
 public:
  HealthMonitor(EventLoop& loop, PeerStore& store, Reconciler& reconciler, Metrics& metrics,
                HealthSettings settings);
  ~HealthMonitor();

  Status start();  // probe server + periodic check
  void stop();
  bool is_offline(const std::string& pubkey) const;
  // A first-hand report proves the peer's daemon is back (e.g. it restarted): lift the hold.
  void clear_offline(const std::string& pubkey) { offline_until_.erase(pubkey); }
  void set_evict_hook(std::function<void(const std::string& pubkey)> hook) {
    on_evict_ = std::move(hook);
  }
  // Our IPv4 mesh address changed (collision re-derivation): the probe server is rebound
  // to it and outgoing probes bound to the old source are dropped.
  void set_mesh_ipv4(const std::string& ip);

 private:
  struct Session;
  struct ServerConn;
  void tick();
  void schedule(uint64_t delay_ms);
  // Arms the next tick: the suspect, busy or idle interval after the end of the last tick.
  void rearm();
  void probe(const PeerRecord& peer);
  // By value: callers pass keys owned by records that eviction deletes.
  void on_probe_result(std::string pubkey, bool ok, double rtt_ms);
  void evict(std::string pubkey);
  void accept_ready(int listen_fd);
  void open_listeners();
  void close_listeners();

  EventLoop& loop_;
  PeerStore& store_;
  Reconciler& reconciler_;
  Metrics& metrics_;
  HealthSettings settings_;
  std::unique_ptr<Timer> timer_;
  struct PeerHealth {
    uint64_t last_rx = 0;
    uint64_t last_tx = 0;
    int64_t last_rx_change_ms = 0;
    int failures = 0;
    bool ever_alive = false;
    // A probe went to or came from this peer since its tx was last looked at: that tx
    // growth is the probe's own (ping, pong, TCP), not data, and must not switch the
    // monitor to the busy interval.
    bool probe_traffic = false;
    uint64_t pass = 0;  // the last tick that saw this peer configured
  };
  std::map<std::string, PeerHealth> peers_;
  bool data_flowing_ = false;     // some peer's tx grew by more than keepalives in the last tick
  int64_t last_tick_end_ms_ = 0;  // wall clock when the last tick finished
  uint64_t tick_count_ = 0;
  // Canonical source addresses of probes the server answered since the last tick (their
  // pongs are probe traffic on the prober's entry, see PeerHealth::probe_traffic).
  std::set<std::string> answered_from_;
  std::map<std::string, std::unique_ptr<Session>> sessions_;
  std::map<std::string, int64_t> offline_until_;
  std::vector<int> listen_fds_;
  std::vector<std::unique_ptr<FdWatch>> listen_watches_;
  std::map<int, std::unique_ptr<ServerConn>> server_conns_;
  std::function<void(const std::string&)> on_evict_;
};

}  // namespace wgmesh
