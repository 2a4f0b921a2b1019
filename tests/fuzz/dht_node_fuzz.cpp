// Fuzzes a whole DhtNode with arbitrary datagrams: parsing, query handling, reply
// matching and the timers that follow. The first input byte picks the source address so
// rate limiting and per-source state get exercised too. Nothing may crash, and every
// datagram the node sends must stay within a UDP-friendly size.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>

#include "wgmesh/dht/node.h"

using namespace wgmesh::dht;

namespace {

class NullTransport : public Transport {
 public:
  bool send(std::span<const uint8_t> d, const Endpoint&) override {
    if (d.size() > 1500) std::abort();
    return true;
  }
};

class FixedClock : public Clock {
 public:
  int64_t now = 1'000'000;
  int64_t now_ms() override { return now; }
};

class Prng : public Random {
 public:
  void fill(std::span<uint8_t> out) override {
    for (auto& b : out) b = static_cast<uint8_t>(gen_());
  }

 private:
  std::mt19937_64 gen_{1};
};

struct World {
  NullTransport net;
  FixedClock clock;
  Prng rng;
  std::unique_ptr<DhtNode> node;
  World() {
    DhtConfig cfg;
    cfg.bootstrap = {Endpoint::v4({10, 0, 0, 1}, 6881)};
    cfg.self_endpoints = {Endpoint::v4({10, 0, 0, 99}, 6881)};
    node = std::make_unique<DhtNode>(cfg, net, clock, rng);
    node->start();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World w;  // state carries over between inputs, like a long-running node
  if (size == 0) return 0;
  Endpoint from = Endpoint::v4({10, 0, 0, static_cast<uint8_t>(data[0] & 3)}, 6881);
  w.node->on_datagram({data + 1, size - 1}, from);
  w.clock.now += 250;
  if (w.node->next_deadline() <= w.clock.now) w.node->on_timer();
  return 0;
}
