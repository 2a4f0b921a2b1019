// Fuzz target for the UAPI reply parsers: a get=1 reply comes from whatever process owns the
// socket, so the parser must survive anything. Beyond "no crash", it checks a round trip: a
// reply that parses is re-serialised and must parse back to the same state.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "wireguard/uapi_protocol.h"

namespace {

using wgmesh::wg::DeviceState;

std::string serialise(const DeviceState& d) {
  std::string s;
  if (d.private_key) s += "private_key=" + d.private_key->to_hex() + "\n";
  s += "listen_port=" + std::to_string(d.listen_port) + "\n";
  if (d.fwmark != 0) s += "fwmark=" + std::to_string(d.fwmark) + "\n";
  for (const auto& p : d.peers) {
    s += "public_key=" + p.public_key.to_hex() + "\n";
    if (p.preshared_key) s += "preshared_key=" + p.preshared_key->to_hex() + "\n";
    s += "protocol_version=" + std::to_string(p.protocol_version) + "\n";
    if (p.endpoint) s += "endpoint=" + p.endpoint->to_string() + "\n";
    s += "last_handshake_time_sec=" + std::to_string(p.last_handshake.sec) + "\n";
    s += "last_handshake_time_nsec=" + std::to_string(p.last_handshake.nsec) + "\n";
    s += "tx_bytes=" + std::to_string(p.tx_bytes) + "\n";
    s += "rx_bytes=" + std::to_string(p.rx_bytes) + "\n";
    s += "persistent_keepalive_interval=" + std::to_string(p.persistent_keepalive) + "\n";
    for (const auto& ip : p.allowed_ips) s += "allowed_ip=" + ip.to_string() + "\n";
  }
  return s + "errno=0\n\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)wgmesh::wg::uapi::response_complete(input);
  (void)wgmesh::wg::uapi::parse_set_response(input);
  auto state = wgmesh::wg::uapi::parse_get_response(input);
  if (!state) return 0;
  auto again = wgmesh::wg::uapi::parse_get_response(serialise(*state));
  if (!again || !(*again == *state)) std::abort();
  return 0;
}
