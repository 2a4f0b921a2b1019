// The DHT core's Clock and Transport on top of the host table: the core's time is the
// host's monotonic clock (injectable in tests), and its datagrams leave through the
// plugin's sockets (one per address family, BEP 32) with the host's non-blocking udp_send.
#pragma once

#include <wgmesh/plugin.h>

#include "wgmesh/dht/env.h"

namespace wgmesh::dht::plugin {

class HostClock final : public Clock {
 public:
  HostClock(const wgm_host_api* host, wgm_ctx* ctx) : host_(host), ctx_(ctx) {}
  int64_t now_ms() override { return static_cast<int64_t>(host_->monotonic_ms(ctx_)); }

 private:
  const wgm_host_api* host_;
  wgm_ctx* ctx_;
};

class HostTransport final : public Transport {
 public:
  HostTransport(const wgm_host_api* host, wgm_ctx* ctx) : host_(host), ctx_(ctx) {}
  void set_sockets(wgm_udp* v4, wgm_udp* v6) {
    v4_ = v4;
    v6_ = v6;
  }
  bool send(std::span<const uint8_t> datagram, const Endpoint& to) override;

 private:
  const wgm_host_api* host_;
  wgm_ctx* ctx_;
  wgm_udp* v4_ = nullptr;
  wgm_udp* v6_ = nullptr;
};

}  // namespace wgmesh::dht::plugin
