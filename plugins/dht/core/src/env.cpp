#include "wgmesh/dht/env.h"

#include <sodium.h>

#include <array>
#include <chrono>

namespace wgmesh::dht {

uint64_t Random::next_u64() {
  std::array<uint8_t, 8> b{};
  fill(b);
  uint64_t v = 0;
  for (uint8_t x : b) v = (v << 8) | x;
  return v;
}

uint64_t Random::uniform(uint64_t bound) {
  if (bound == 0) return 0;
  // Rejection sampling so small bounds are not biased.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
  for (;;) {
    uint64_t v = next_u64();
    if (v < limit) return v % bound;
  }
}

double Random::unit() { return static_cast<double>(next_u64() >> 11) / 9007199254740992.0; }

int64_t SteadyClock::now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

SodiumRandom::SodiumRandom() {
  // sodium_init() is idempotent and thread-safe; it returns 1 when already initialised
  // and -1 only if the library cannot work at all, where randombytes would abort anyway.
  if (sodium_init() < 0) return;
}

void SodiumRandom::fill(std::span<uint8_t> out) { randombytes_buf(out.data(), out.size()); }

}  // namespace wgmesh::dht
