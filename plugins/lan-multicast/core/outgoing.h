// Size rules for what we multicast. Go nodes read LAN datagrams into a 4,096-byte buffer
// (and set a 4,096-byte kernel receive buffer): anything longer is truncated and then fails
// to decrypt, so a C++ node must keep every LAN announcement below that (discovery.md §2.2).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wgmesh::lan {

// The largest datagram a Go receiver reads whole ("must stay < 4096 bytes").
inline constexpr size_t kMaxLanDatagram = 4095;

inline bool fits_lan_datagram(size_t size) { return size <= kMaxLanDatagram; }

// The announcement without its routable_networks (member order otherwise kept), or nullopt
// if it has none or is not a JSON object. Used when the full announcement is too large: a
// peer still learns our key, mesh IP and endpoint, and an absent list never withdraws
// routes it already knows (in Go's store nor in ours), so this beats sending nothing.
std::optional<std::string> without_routable_networks(std::string_view payload);

}  // namespace wgmesh::lan
