// The lan-multicast plugin instance: LAN multicast discovery (discovery.md §5) driven from
// the host loop. It owns two sockets (a receiver bound to 0.0.0.0:<lan_port> that joins the
// group, and an ephemeral sender with TTL 1 and loopback on, as Go uses), one timer and one
// local-node subscription; the decisions live in core/ (scheduler, rate limiter, tracker,
// report builder) so they can be tested without a host.
#pragma once

#include <wgmesh/plugin.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <wgmesh/plugin_helpers.hpp>

#include "core/announce_scheduler.h"
#include "core/endpoint.h"
#include "core/lan_config.h"
#include "core/log_throttle.h"
#include "core/peer_tracker.h"
#include "core/rate_limiter.h"

namespace wgmesh::lan {

class LanPlugin {
  struct Token {};  // private: only create(), which validates first, can construct

 public:
  // Validates the configuration and reads the group and port from the host; logs one clear
  // line and returns a negative wgm_status on failure. Registers the "lan" source.
  static int create(const wgm_host_api* host, wgm_ctx* ctx, std::unique_ptr<LanPlugin>& out);

  int start();
  void stop();

  LanPlugin(Token, const wgm_host_api* host, wgm_ctx* ctx, LanConfig config, std::string group,
            uint16_t port, std::optional<Ipv4Prefix> mesh_subnet);
  LanPlugin(const LanPlugin&) = delete;
  LanPlugin& operator=(const LanPlugin&) = delete;
  ~LanPlugin();

 private:
  // C trampolines (all wrapped in wgm::guarded: nothing may throw into the host).
  static void on_datagram_cb(void* user, const uint8_t* data, size_t len, const sockaddr* from,
                             socklen_t from_len);
  static void on_timer_cb(void* user);
  static void on_local_changed_cb(void* user);

  void on_datagram(const uint8_t* data, size_t len, const sockaddr* from, socklen_t from_len);
  void on_timer();
  void on_local_changed();

  void announce(uint64_t now);
  bool send_datagram(const std::string& datagram);
  std::string seal(const std::string& payload);
  void join_groups(uint64_t now);
  void arm_timer();
  void refresh_own_pubkey();

  uint64_t now() const { return host_->monotonic_ms(ctx_); }
  void count(const char* name, uint64_t n = 1) { host_->counter_add(ctx_, name, n); }
  // A log line at most once a minute per kind (for drops caused by remote input).
  void throttled_log(const char* kind, wgm_log_level level, const std::string& message);

  const wgm_host_api* host_;
  wgm_ctx* ctx_;
  LanConfig config_;
  std::string group_;
  uint16_t port_;
  std::optional<Ipv4Prefix> mesh_subnet_;  // LAN datagrams from inside the tunnel are bogus

  AnnounceScheduler scheduler_;
  SourceRateLimiter limiter_;
  NewPeerTracker tracker_;
  LogThrottle log_throttle_;

  wgm::UdpHandle receiver_;
  wgm::UdpHandle sender_;
  wgm::Timer timer_;
  wgm::SubscriptionHandle local_sub_;
  std::string own_pubkey_;
  uint64_t last_join_ms_ = 0;
  bool started_ = false;
};

}  // namespace wgmesh::lan
