#include "wgmesh/dht/tokens.h"

#include <sodium.h>

#include "wgmesh/dht/env.h"

namespace wgmesh::dht {

TokenManager::TokenManager(Random& rng, int64_t now_ms, int64_t rotate_ms)
    : rng_(rng), rotate_ms_(rotate_ms), last_rotation_(now_ms) {
  // libsodium wants sodium_init() before first use (it picks the BLAKE2b implementation).
  if (sodium_init() < 0) return;
  rng_.fill(current_);
  rng_.fill(previous_);
}

void TokenManager::maybe_rotate(int64_t now_ms) {
  for (int i = 0; i < 2 && now_ms - last_rotation_ >= rotate_ms_; ++i) {
    previous_ = current_;
    rng_.fill(current_);
    last_rotation_ += rotate_ms_;
  }
  // After a long pause (suspend, or no timer calls) both secrets are already fresh:
  // re-anchor instead of looping once per missed period.
  if (now_ms - last_rotation_ >= rotate_ms_) last_rotation_ = now_ms;
}

std::string TokenManager::token_for(const std::array<uint8_t, 32>& secret,
                                    const Endpoint& requester) const {
  // The token binds only the IP (not the port), as BEP 5 specifies: a NATed node may
  // announce from a different source port than the get_peers came from.
  uint8_t out[kTokenSize];
  auto ip = requester.ip_bytes();
  crypto_generichash(out, sizeof out, ip.data(), ip.size(), secret.data(), secret.size());
  return {reinterpret_cast<const char*>(out), sizeof out};
}

std::string TokenManager::mint(const Endpoint& requester, int64_t now_ms) {
  maybe_rotate(now_ms);
  return token_for(current_, requester);
}

bool TokenManager::validate(const std::string& token, const Endpoint& requester, int64_t now_ms) {
  maybe_rotate(now_ms);
  if (token.size() != kTokenSize) return false;
  auto eq = [&token](const std::string& t) {
    return sodium_memcmp(t.data(), token.data(), kTokenSize) == 0;
  };
  return eq(token_for(current_, requester)) || eq(token_for(previous_, requester));
}

}  // namespace wgmesh::dht
