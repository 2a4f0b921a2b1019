// The dht plugin instance: a BEP 5 node (wgmesh::dht::DhtNode) driven from the host loop,
// plus the wgmesh behaviour on top of it (discovery.md §3):
//   - sockets on gossip_port + 1 (IPv4 and, when available, IPv6 / BEP 32), one host timer
//     armed at the earliest of the node's deadline and the plugin's own schedule;
//   - announce the hourly infohash (current and previous hour, port = gossip port, no
//     implied_port), query both, and hand each address found to the host's HELLO/REPLY
//     exchange (label "dht"), through the self filter and the ExchangeGate caps;
//   - the nodes file (<iface>-<network_id_tag>-dht.nodes in the state directory): restored
//     at start, saved every 5 min off the loop and at stop;
//   - metrics (counter_add / gauge_set) and the RPC methods dht.stats and dht.lookup.
// Every entry from the host goes through wgm::guarded: nothing throws into the host, and
// nothing here blocks (DNS and periodic file writes run on the host's work queue).
#pragma once

#include <wgmesh/plugin.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>
#include <wgmesh/plugin_helpers.hpp>

#include "logic/dht_config.h"
#include "logic/exchange_gate.h"
#include "logic/host_info.h"
#include "logic/schedule.h"
#include "logic/self_addresses.h"
#include "logic/stats_report.h"
#include "plugin/host_env.h"
#include "wgmesh/dht/node.h"

namespace wgmesh::dht::plugin {

class DhtPlugin {
  struct Token {};  // only create(), which validates first, constructs

 public:
  // Validates [plugins.dht], reads the gossip port and the nodes-file name from the host,
  // registers the "dht" source and the RPC methods. One log line and a negative wgm_status
  // on failure; no network activity.
  static int create(const wgm_host_api* host, wgm_ctx* ctx, std::unique_ptr<DhtPlugin>& out);

  DhtPlugin(Token, const wgm_host_api* host, wgm_ctx* ctx, DhtPluginConfig config,
            NodeSettings settings, uint16_t gossip_port, std::string nodes_path);
  DhtPlugin(const DhtPlugin&) = delete;
  DhtPlugin& operator=(const DhtPlugin&) = delete;
  ~DhtPlugin();

  int start();
  void stop();

 private:
  // ---- C trampolines (each one wgm::guarded) ----
  static void on_datagram_cb(void* user, const uint8_t* data, size_t len, const sockaddr* from,
                             socklen_t from_len);
  static void on_timer_cb(void* user);
  static void on_exchange_cb(void* user, int status, const char* json, size_t len);
  static void on_rpc_stats_cb(void* user, wgm_rpc_call* call, const char* params, size_t len);
  static void on_rpc_lookup_cb(void* user, wgm_rpc_call* call, const char* params, size_t len);

  // ---- start-up ----
  int open_sockets();
  void create_node();
  void restore_nodes();
  void resolve_bootstrap();
  void on_resolved(size_t endpoints, const std::vector<std::string>& failures);

  // ---- the loop ----
  void tick();  // does whatever is due, then re-arms the timer
  void arm_timer();
  int64_t now() { return clock_.now_ms(); }
  int64_t hour_now() const;
  int64_t ms_to_next_hour() const;
  bool infohashes(InfoHash& current, InfoHash& previous);

  void start_announce_round(int64_t now, int64_t hour);
  void on_announce_done(const LookupResult& r);
  void start_query_round(int64_t now);
  void on_query_done(const LookupResult& r);
  void take_values(const LookupResult& r);
  void consider_value(const Endpoint& value, int64_t now);
  void refresh_self();

  void start_exchanges(int64_t now);
  void on_exchange_done(uint64_t ticket, int status, std::string_view peer_json);

  void save_nodes_async(int64_t now);
  void save_nodes_now();

  void publish_metrics(bool force);
  StatsView stats_view();
  void on_rpc_stats(wgm_rpc_call* call);
  void on_rpc_lookup(wgm_rpc_call* call, std::string_view params);
  void fail_pending_rpcs(const char* why);
  void throttled_log(const char* kind, wgm_log_level level, const std::string& message);

  const wgm_host_api* host_;
  wgm_ctx* ctx_;
  DhtPluginConfig config_;
  NodeSettings settings_;
  uint16_t gossip_port_;
  std::string nodes_path_;

  HostClock clock_;
  SodiumRandom rng_;
  HostTransport transport_;
  wgm::UdpHandle sock4_, sock6_;
  std::unique_ptr<DhtNode> node_;
  Schedule schedule_;
  ExchangeGate gate_;
  SelfAddresses self_;

  wgm::Timer timer_;
  int64_t timer_due_ = INT64_MAX;
  bool started_ = false;
  bool in_tick_ = false, tick_again_ = false;
  bool was_bootstrapped_ = false;

  // Rounds: lookups outstanding, acks, start times, durations of the last ones.
  size_t announce_pending_ = 0, announce_round_acks_ = 0, query_pending_ = 0;
  int64_t announce_started_ms_ = 0, query_started_ms_ = 0;
  int64_t last_announce_ms_ = -1, last_query_ms_ = -1;
  bool first_announce_logged_ = false;
  bool announce_round_thin_ = false;  // started before the node was bootstrapped

  std::map<uint64_t, Endpoint> exchanges_;  // ticket -> address, while in flight
  std::set<std::string> found_keys_;        // for peers_found (bounded)

  size_t routers_resolved_ = 0;
  bool resolve_in_flight_ = false;
  int resolve_attempts_ = 0;
  int64_t resolve_at_ = INT64_MAX;
  bool save_in_flight_ = false;

  struct RpcLookup {
    wgm_rpc_call* call;
    int64_t started_ms;
  };
  std::map<uint64_t, RpcLookup> rpc_lookups_;  // by our own key, answered from the callback
  uint64_t next_rpc_key_ = 1;

  PluginCounters counters_;
  CounterDeltas deltas_;
  int64_t metrics_at_ = 0;
  bool metrics_pending_ = false;  // something happened since the last publish
  std::map<std::string, int64_t> log_at_;
};

}  // namespace wgmesh::dht::plugin
