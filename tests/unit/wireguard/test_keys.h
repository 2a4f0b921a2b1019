// Deterministic keys and prefixes for the wireguard unit tests.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "wireguard/types.h"

namespace wgmesh::wg::testing {

// A distinct, reproducible key per index (not a valid curve point necessarily: WireGuard
// public keys are opaque bytes to everything tested here).
inline Key test_key(uint32_t index, uint8_t salt = 0xA5) {
  std::array<uint8_t, kKeyLen> b{};
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(salt ^ (i * 7));
  b[0] = static_cast<uint8_t>(index);
  b[1] = static_cast<uint8_t>(index >> 8);
  b[2] = static_cast<uint8_t>(index >> 16);
  return Key(b);
}

inline IpPrefix prefix(const std::string& text) { return IpPrefix::parse(text).value(); }
inline Endpoint endpoint(const std::string& text) { return Endpoint::parse(text).value(); }

}  // namespace wgmesh::wg::testing
