// A fake wgmesh host for plugin tests: a complete wgm_host_api whose every call is recorded
// and whose world is scripted by the test.
//
//  - Clock: Manual (the default; time moves only in advance()/run_until(), timers fire in
//    order, fully deterministic) or Real (steady clock, for tests over kernel sockets).
//  - UDP: an in-memory segment (FakeNetwork, with injectable traffic) or kernel sockets.
//  - Envelope: FakeEnvelope (readable JSON, same accept/reject outcomes as the real one).
//  - Local node, key values, node settings and config are plain data the test sets.
//  - Peer store, services, RPC and control channel are small in-memory doubles.
//  - Logs, counters, gauges, peer reports, joins and sent multicast are recorded.
//
// Callbacks into plugins never happen re-entrantly from a host call: datagrams, peer and
// local-node events and work completions are queued and delivered by the loop, as in the
// daemon. Everything runs on the calling thread. Several plugins may share one FakeHost
// (one context each); several FakeHosts may share one FakeNetwork.
#pragma once

#include <sys/socket.h>
#include <wgmesh/plugin.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fake_envelope.h"
#include "udp_backend.h"

namespace wgmesh::test {

class FakeNetwork;

// "a.b.c.d:port" or "[v6]:port", as the fake records addresses plugins send to.
std::string format_address(const sockaddr* sa);

struct LocalNode {
  std::string wg_pubkey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  std::string hostname = "fake-node";
  std::string mesh_ip = "10.42.0.1";
  std::string mesh_ipv6;
  std::string endpoint = "0.0.0.0:51820";
  std::string nat_type;
  bool introducer = false;
  std::vector<std::string> routable_networks;
  int listen_port = 51820;
};

struct LogLine {
  std::string plugin;
  wgm_log_level level;
  std::string message;
};

struct PeerReport {
  std::string plugin;
  std::string label;
  std::string json;
  uint64_t at_ms;  // monotonic time of the report
};

struct SourceRegistration {
  int rank;
  wgm_source_class cls;
};

struct UdpOpenCall {
  std::string plugin;
  int family;
  std::string bind_addr;  // "" = NULL (wildcard)
  uint16_t port;
  uint32_t flags;
  int recv_buffer;
  size_t max_datagram;
  int status;
};

struct UdpOptionCall {
  std::string plugin;
  wgm_udp_option option;
  int value;
};

struct JoinCall {
  std::string plugin;
  std::string group;
  std::string ifname;  // "" = NULL (all interfaces)
  int status;
};

struct MulticastSend {
  std::string plugin;
  std::string group;
  uint16_t port;
  std::string ifname;  // "" = NULL (all interfaces)
  std::string data;
  int status;
  uint64_t at_ms;
};

struct ControlSend {
  std::string plugin;
  std::string type;
  std::string payload;
  std::string to;  // "ip:port"
};

class FakeHost {
 public:
  enum class Clock { Manual, Real };
  struct Options {
    Clock clock = Clock::Manual;
    // In-memory UDP on this network at `ip` / `ifname`; nullptr = kernel sockets.
    FakeNetwork* network = nullptr;
    std::string ip = "198.51.100.1";
    std::string ifname = "eth0";
    std::string envelope_key = "test-mesh";
    int64_t wall_start_ms = 1800000000000;  // Manual clock: wall time at monotonic 0
    bool echo_logs = false;                 // also print logs (or set WGMESH_FAKE_HOST_LOG=1)
  };

  FakeHost();
  explicit FakeHost(Options options);
  ~FakeHost();
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  const wgm_host_api* api() const;

  // ---- plugin contexts -------------------------------------------------------------------
  // A context for plugin `name` whose [plugins.<name>] table is `config_json`.
  wgm_ctx* add_context(const std::string& name, std::string config_json = "{}");
  // Frees everything the context still holds (as the daemon does at unload), then it.
  void release_context(wgm_ctx* ctx);
  void set_descriptor(wgm_ctx* ctx, const wgm_plugin_desc* desc);

  // ---- the loop ----------------------------------------------------------------------------
  uint64_t now_ms() const;
  int64_t wall_ms() const;
  // Manual: moves time forward by `ms`, firing timers at their due times and delivering
  // everything queued in between. Real: runs the loop for `ms` of real time.
  void advance(uint64_t ms);
  // Delivers whatever is pending now (datagrams, events, zero-delay timers), no time passes.
  void settle();
  // Runs until `done` returns true (true) or `timeout_ms` pass (false).
  bool run_until(const std::function<bool()>& done, uint64_t timeout_ms);
  // Manual clock: the monotonic time of the next timer, if any.
  std::optional<uint64_t> next_timer_due() const;

  // ---- scripted world --------------------------------------------------------------------
  LocalNode& local();
  // Changes the local node and notifies local_subscribe() subscribers (on the loop).
  void update_local(const std::function<void(LocalNode&)>& change);
  // Replaces local_announcement()'s output (nullopt = built from local()).
  void set_announcement_override(std::optional<std::string> json);
  // The announcement local_announcement() would return now (Go key order).
  std::string build_announcement(uint32_t max_known_peers) const;
  void set_key_value(const std::string& name, const std::string& value);
  void remove_key_value(const std::string& name);
  void set_node_settings(std::string json);
  void set_wall_offset_ms(int64_t offset);
  // Makes every later peer_report() return `status` (WGM_OK restores normal behaviour).
  void set_peer_report_status(int status);
  FakeEnvelope& envelope();

  // ---- records -----------------------------------------------------------------------------
  const std::vector<LogLine>& logs() const;
  bool logged(const std::string& substring, std::optional<wgm_log_level> level = {}) const;
  // "<plugin>.<name>" as the daemon names counters; 0 if never added.
  uint64_t counter(const std::string& full_name) const;
  const std::map<std::string, uint64_t>& counters() const;
  std::optional<int64_t> gauge(const std::string& full_name) const;
  const std::vector<PeerReport>& reports() const;
  void clear_reports();
  const std::map<std::string, SourceRegistration>& sources() const;
  const std::vector<UdpOpenCall>& udp_opens() const;
  const std::vector<UdpOptionCall>& udp_options() const;
  const std::vector<JoinCall>& joins() const;
  const std::vector<MulticastSend>& multicasts() const;
  void clear_multicasts();
  const std::vector<ControlSend>& control_sends() const;
  // The stored peer (last report merged over earlier ones), if any.
  std::optional<std::string> peer_json(const std::string& pubkey) const;

  // Resources a context holds now (to check that stop() released them).
  size_t open_sockets(wgm_ctx* ctx) const;
  size_t pending_timers(wgm_ctx* ctx) const;  // armed and not yet fired (one-shot) timers
  size_t timer_handles(wgm_ctx* ctx) const;   // handles not yet stopped
  size_t subscriptions(wgm_ctx* ctx) const;

  // ---- control channel, services, RPC (for tests of plugins that use them) --------------
  // Delivers a message to the handler a plugin registered for `type` (false if none).
  bool deliver_control(const std::string& type, const std::string& payload,
                       const std::string& from_ip, uint16_t from_port, bool retransmission = false);
  // Completes the oldest pending control_exchange (FIFO).
  bool finish_exchange(int status, const std::string& peer_json);
  size_t pending_exchanges() const;
  // Dispatches an RPC like a transport would; the reply arrives through `done`.
  void rpc(const std::string& method, const std::string& params,
           std::function<void(bool is_error, const std::string& json)> done);

  // The implementation (state, loop, and what the C table calls into). Not for tests.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace wgmesh::test
