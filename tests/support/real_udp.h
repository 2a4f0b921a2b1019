// Kernel UDP sockets for the fake host, with the same multicast semantics as the daemon's
// host table (join and send per up, multicast-capable interface; IP_MULTICAST_IF set per
// send, which a namespace without a default route needs). For tests on loopback or inside
// network namespaces the test created; nothing here picks an address by itself.
#pragma once

#include <memory>

#include "udp_backend.h"

namespace wgmesh::test {

std::unique_ptr<UdpBackend> make_real_udp_backend();

}  // namespace wgmesh::test
