// A seeded Random for deterministic tests of the plugin's logic.
#pragma once

#include <random>

#include "wgmesh/dht/env.h"

namespace wgmesh::dht::plugin::test {

class SeededRandom : public Random {
 public:
  explicit SeededRandom(uint64_t seed = 1) : gen_(seed) {}
  void fill(std::span<uint8_t> out) override {
    for (auto& b : out) b = static_cast<uint8_t>(gen_());
  }

 private:
  std::mt19937_64 gen_;
};

inline Endpoint ep4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  return Endpoint::v4({a, b, c, d}, port);
}

}  // namespace wgmesh::dht::plugin::test
