// Internal state of FakeHost, shared by its loop (fake_host.cpp) and its C function table
// (fake_host_table.cpp). Handles given to plugins are pointers to the records below, cast
// to the ABI's opaque types; every call checks them against these maps first, so a stale
// or foreign handle is refused (WGM_ERR_INVALID) instead of crashing the test.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fake_host.h"

namespace wgmesh::test {

struct FakeCtx {
  FakeHost::Impl* impl;
  std::string name;
  std::string config;
  const wgm_plugin_desc* desc = nullptr;
};

struct FakeTimer {
  FakeCtx* ctx;
  uint64_t due;
  uint64_t repeat;
  uint64_t seq;  // FIFO among timers due at the same time
  bool armed;
  wgm_timer_cb cb;
  void* user;
};

struct FakeSocket {
  FakeCtx* ctx;
  std::unique_ptr<UdpEndpoint> endpoint;
  wgm_udp_recv_cb cb;
  void* user;
  bool closed = false;
};

struct FakeWatch {
  FakeCtx* ctx;
  int fd;
  int events;
  wgm_fd_cb cb;
  void* user;
};

struct FakeSub {
  FakeCtx* ctx;
  wgm_local_changed_cb local_cb;  // exactly one of the two is set
  wgm_peer_event_cb peer_cb;
  void* user;
};

struct FakeRpcCall {
  FakeCtx* ctx;
  std::function<void(bool, const std::string&)> done;
};

template <typename Fn>
struct Owned {
  FakeCtx* ctx;
  Fn fn;
  void* user;
};

struct FakeHost::Impl {
  explicit Impl(Options opts);

  Options options;
  std::unique_ptr<UdpBackend> udp;
  FakeEnvelope envelope;
  std::chrono::steady_clock::time_point real_start;
  uint64_t manual_now = 0;

  // scripted world
  LocalNode local;
  std::optional<std::string> announcement_override;
  std::map<std::string, std::string> keys;
  std::string node_settings;
  int64_t wall_offset_ms = 0;
  int peer_report_status = WGM_OK;
  std::string state_dir;

  // records
  std::vector<LogLine> logs;
  std::map<std::string, uint64_t> counters;
  std::map<std::string, int64_t> gauges;
  std::vector<PeerReport> reports;
  std::map<std::string, SourceRegistration> sources;
  std::vector<UdpOpenCall> udp_opens;
  std::vector<UdpOptionCall> udp_options;
  std::vector<JoinCall> joins;
  std::vector<MulticastSend> multicasts;
  std::vector<ControlSend> control_sends;
  struct Exchange {
    wgm_exchange_cb cb;
    void* user;
  };
  std::deque<Exchange> exchanges;

  // resources handed to plugins
  std::map<FakeCtx*, std::unique_ptr<FakeCtx>> contexts;
  std::map<FakeTimer*, std::unique_ptr<FakeTimer>> timers;
  uint64_t timer_seq = 0;
  std::map<FakeSocket*, std::unique_ptr<FakeSocket>> sockets;
  // Closed sockets wait here until the loop is outside every receive callback: a plugin may
  // close a socket from that socket's own callback.
  std::vector<std::unique_ptr<FakeSocket>> graveyard;
  std::map<FakeWatch*, std::unique_ptr<FakeWatch>> watches;
  std::map<FakeSub*, std::unique_ptr<FakeSub>> subs;
  std::map<std::string, Owned<wgm_service_fn>> services;
  std::map<std::string, Owned<wgm_rpc_handler>> rpc_methods;
  std::map<FakeRpcCall*, std::unique_ptr<FakeRpcCall>> rpc_calls;
  std::map<std::string, Owned<wgm_control_cb>> control_handlers;
  std::deque<std::function<void()>> events;  // deferred callbacks into plugins
  std::map<std::string, std::string> peers;  // pubkey -> stored JSON object

  // clocks & loop (fake_host.cpp)
  uint64_t now() const;
  int64_t wall_ms() const;
  bool step();  // one pass over everything pending; true if anything ran
  bool fire_one_due_timer();
  bool drain_sockets();
  bool poll_watches(int timeout_ms);
  void wait_real(uint64_t max_ms);
  void free_context_resources(FakeCtx* ctx);
  std::string build_announcement(uint32_t max_known_peers) const;
  void log(const FakeCtx* ctx, wgm_log_level level, const std::string& message);
  void update_local(const std::function<void(LocalNode&)>& change);
  void rpc(const std::string& method, const std::string& params,
           std::function<void(bool, const std::string&)> done);

  // peer store double and event fan-out (fake_host_table.cpp)
  int report_peer(FakeCtx* ctx, const std::string& label, const std::string& json);
  void notify_peer(wgm_peer_event kind, const std::string& pubkey);
  void notify_local();
};

const wgm_host_api* fake_host_table();

}  // namespace wgmesh::test
