// RAII owner of a host UDP socket, so stop() and every error path close it exactly once.
#pragma once

#include <wgmesh/plugin.h>

#include <utility>

namespace wgmesh::dht::plugin {

class UdpHandle {
 public:
  UdpHandle() = default;
  UdpHandle(const UdpHandle&) = delete;
  UdpHandle& operator=(const UdpHandle&) = delete;
  ~UdpHandle() { close(); }

  // Opens a socket; on failure returns the host status and stays closed.
  int open(const wgm_host_api* host, wgm_ctx* ctx, const wgm_udp_options& options,
           wgm_udp_recv_cb cb, void* user) {
    close();
    wgm_udp* sock = nullptr;
    int rc = host->udp_open(ctx, &options, cb, user, &sock);
    if (rc != WGM_OK || !sock) return rc != WGM_OK ? rc : WGM_ERR_INTERNAL;
    host_ = host;
    ctx_ = ctx;
    sock_ = sock;
    return WGM_OK;
  }
  void close() {
    if (sock_) host_->udp_close(ctx_, std::exchange(sock_, nullptr));
  }
  // The bound port, or 0 when closed.
  int port() const {
    if (!sock_) return 0;
    int p = host_->udp_local_port(ctx_, sock_);
    return p > 0 ? p : 0;
  }
  wgm_udp* get() const { return sock_; }
  explicit operator bool() const { return sock_ != nullptr; }

 private:
  const wgm_host_api* host_ = nullptr;
  wgm_ctx* ctx_ = nullptr;
  wgm_udp* sock_ = nullptr;
};

}  // namespace wgmesh::dht::plugin
