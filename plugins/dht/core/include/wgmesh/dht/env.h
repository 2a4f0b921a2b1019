// The three things the DHT core needs from the outside world, as small interfaces.
// The core never opens sockets, reads clocks or draws randomness by itself: the plugin
// wrapper (or a test) injects these, which keeps the core deterministic under test and
// lets one event loop drive everything.
#pragma once

#include <cstdint>
#include <span>

#include "wgmesh/dht/endpoint.h"

namespace wgmesh::dht {

// Sends one UDP datagram. Must not block and must not call back into the node.
// Returns false when the datagram could not be handed to the OS (counted, then treated
// like a lost packet: the request simply times out).
class Transport {
 public:
  virtual ~Transport() = default;
  virtual bool send(std::span<const uint8_t> datagram, const Endpoint& to) = 0;
};

// Monotonic milliseconds. Any epoch; only differences matter.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ms() = 0;
};

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<uint8_t> out) = 0;

  uint64_t next_u64();
  // Uniform in [0, bound); bound == 0 gives 0.
  uint64_t uniform(uint64_t bound);
  // Uniform in [0, 1).
  double unit();
};

// Default implementations for real use.
class SteadyClock final : public Clock {
 public:
  int64_t now_ms() override;
};

class SodiumRandom final : public Random {
 public:
  SodiumRandom();
  void fill(std::span<uint8_t> out) override;
};

}  // namespace wgmesh::dht
