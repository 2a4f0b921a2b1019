#include "plugin/host_env.h"

namespace wgmesh::dht::plugin {

bool HostTransport::send(std::span<const uint8_t> datagram, const Endpoint& to) {
  wgm_udp* sock = to.is_v4() ? v4_ : v6_;
  if (!sock) return false;  // the core only talks to families it was told we have
  sockaddr_storage ss{};
  const socklen_t len = to_sockaddr(to, ss);
  return host_->udp_send(ctx_, sock, reinterpret_cast<const sockaddr*>(&ss), len, datagram.data(),
                         datagram.size()) == WGM_OK;
}

}  // namespace wgmesh::dht::plugin
