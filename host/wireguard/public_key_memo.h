// Remembers the public key derived from the last private key, so that reading the device
// again and again (every health tick, every RPC peer list) does not redo the X25519 base-point
// multiplication each time: it was ~2 % of an idle daemon's CPU. Holds a BLAKE2b digest of
// the private key, never the key itself.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "wireguard/types.h"

namespace wgmesh::wg {

class PublicKeyMemo {
 public:
  Key public_of(const Key& private_key);
  // How many derivations were actually computed (for tests).
  uint64_t derivations() const { return derivations_; }

 private:
  std::optional<std::array<uint8_t, 32>> private_digest_;
  Key public_key_;
  uint64_t derivations_ = 0;
};

}  // namespace wgmesh::wg
