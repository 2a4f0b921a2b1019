// announce_peer write tokens (BEP 5): a keyed hash of the requester's IP under a secret
// that rotates every 5 minutes. Tokens minted under the current or the previous secret
// are accepted, so a token stays valid for 5 to 10 minutes and needs no per-peer state.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "wgmesh/dht/endpoint.h"

namespace wgmesh::dht {

class Random;

class TokenManager {
 public:
  static constexpr int64_t kRotateMs = 5 * 60 * 1000;
  static constexpr size_t kTokenSize = 8;

  TokenManager(Random& rng, int64_t now_ms, int64_t rotate_ms = kRotateMs);

  // Rotates as many times as elapsed time demands (once is enough to invalidate, twice
  // forgets both). Call from the timer; mint/validate also call it lazily.
  void maybe_rotate(int64_t now_ms);
  int64_t next_rotation_ms() const { return last_rotation_ + rotate_ms_; }

  std::string mint(const Endpoint& requester, int64_t now_ms);
  bool validate(const std::string& token, const Endpoint& requester, int64_t now_ms);

 private:
  std::string token_for(const std::array<uint8_t, 32>& secret, const Endpoint& requester) const;

  Random& rng_;
  int64_t rotate_ms_;
  int64_t last_rotation_;
  std::array<uint8_t, 32> current_{};
  std::array<uint8_t, 32> previous_{};
};

}  // namespace wgmesh::dht
