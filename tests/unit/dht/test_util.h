// Test doubles for the DHT core: a settable clock, a seeded PRNG, and an in-memory
// network that delivers datagrams between DhtNodes with latency and optional loss.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "wgmesh/dht/env.h"
#include "wgmesh/dht/node.h"

namespace wgmesh::dht::test {

class FakeClock : public Clock {
 public:
  int64_t now = 1'000'000;
  int64_t now_ms() override { return now; }
};

class SeededRandom : public Random {
 public:
  explicit SeededRandom(uint64_t seed = 1) : gen_(seed) {}
  void fill(std::span<uint8_t> out) override {
    for (auto& b : out) b = static_cast<uint8_t>(gen_());
  }

 private:
  std::mt19937_64 gen_;
};

// Records what a node sends.
class CaptureTransport : public Transport {
 public:
  struct Sent {
    std::string data;
    Endpoint to;
  };
  std::vector<Sent> sent;
  bool send(std::span<const uint8_t> d, const Endpoint& to) override {
    sent.push_back({std::string(reinterpret_cast<const char*>(d.data()), d.size()), to});
    return true;
  }
};

inline Endpoint ep4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  return Endpoint::v4({a, b, c, d}, port);
}

inline std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Discrete-event network of DhtNodes. Every node has its own address; one shared clock.
class SimNet {
 public:
  struct Host;

  class HostClock : public Clock {
   public:
    explicit HostClock(SimNet& n) : net(n) {}
    int64_t now_ms() override { return net.now; }
    SimNet& net;
  };

  class HostTransport : public Transport {
   public:
    HostTransport(SimNet& n, Endpoint s) : net(n), self(s) {}
    bool send(std::span<const uint8_t> d, const Endpoint& to) override {
      net.enqueue(self, to, std::string(reinterpret_cast<const char*>(d.data()), d.size()));
      return true;
    }
    SimNet& net;
    Endpoint self;
  };

  struct Host {
    Endpoint ep;
    std::unique_ptr<HostTransport> transport;
    std::unique_ptr<SeededRandom> rng;
    std::unique_ptr<DhtNode> node;
    int64_t deadline = INT64_MAX;
  };

  explicit SimNet(uint64_t seed = 7) : rng_(seed) {}

  int64_t now = 1'000'000;
  double loss = 0.0;
  int64_t min_latency = 5, max_latency = 40;
  uint64_t delivered = 0, dropped = 0;
  bool busy_loop_detected = false;

  size_t add(const Endpoint& ep, DhtConfig cfg) {
    auto h = std::make_unique<Host>();
    h->ep = ep;
    h->transport = std::make_unique<HostTransport>(*this, ep);
    h->rng = std::make_unique<SeededRandom>(rng_());
    cfg.self_endpoints.push_back(ep);
    h->node = std::make_unique<DhtNode>(std::move(cfg), *h->transport, clock_, *h->rng);
    by_ep_[ep] = hosts_.size();
    hosts_.push_back(std::move(h));
    touch(hosts_.size() - 1);
    return hosts_.size() - 1;
  }

  DhtNode& node(size_t i) { return *hosts_[i]->node; }
  const Endpoint& endpoint(size_t i) const { return hosts_[i]->ep; }
  size_t size() const { return hosts_.size(); }
  void remove_from_network(size_t i) { by_ep_.erase(hosts_[i]->ep); }

  // Call after driving a node from outside (start, announce, ...) so its timer is re-armed.
  void touch(size_t i) {
    Host& h = *hosts_[i];
    timers_.erase({h.deadline, i});
    h.deadline = h.node->next_deadline();
    timers_.insert({h.deadline, i});
  }

  void enqueue(const Endpoint& from, const Endpoint& to, std::string data) {
    std::uniform_real_distribution<double> u(0, 1);
    if (loss > 0 && u(rng_) < loss) {
      ++dropped;
      return;
    }
    std::uniform_int_distribution<int64_t> lat(min_latency, max_latency);
    packets_.insert({now + lat(rng_), seq_++, from, to, std::move(data)});
  }

  // Runs events until `until` (absolute ms) or until pred() is true. Returns pred().
  template <typename Pred>
  bool run_until(int64_t until, Pred pred) {
    while (!pred()) {
      int64_t t_packet = packets_.empty() ? INT64_MAX : packets_.begin()->at;
      int64_t t_timer = timers_.empty() ? INT64_MAX : timers_.begin()->first;
      int64_t t = std::min(t_packet, t_timer);
      if (t > until) {
        now = until;
        return pred();
      }
      // A node whose deadline stays "now" without progress would spin a real loop.
      spin_ = (t <= now) ? spin_ + 1 : 0;
      if (spin_ > 200000) {
        busy_loop_detected = true;
        return pred();
      }
      now = std::max(now, t);
      if (t_packet <= t_timer) {
        Packet p = *packets_.begin();
        packets_.erase(packets_.begin());
        auto it = by_ep_.find(p.to);
        if (it == by_ep_.end()) {
          ++dropped;
          continue;
        }
        ++delivered;
        hosts_[it->second]->node->on_datagram(bytes(p.data), p.from);
        touch(it->second);
      } else {
        size_t i = timers_.begin()->second;
        hosts_[i]->node->on_timer();
        touch(i);
      }
    }
    return true;
  }
  void run_for(int64_t ms) {
    run_until(now + ms, [] { return false; });
  }

 private:
  struct Packet {
    int64_t at;
    uint64_t seq;
    Endpoint from, to;
    std::string data;
    bool operator<(const Packet& o) const { return at != o.at ? at < o.at : seq < o.seq; }
  };
  std::mt19937_64 rng_;
  HostClock clock_{*this};
  std::vector<std::unique_ptr<Host>> hosts_;
  std::unordered_map<Endpoint, size_t, EndpointHash> by_ep_;
  std::set<Packet> packets_;
  std::set<std::pair<int64_t, size_t>> timers_;
  uint64_t seq_ = 0;
  uint64_t spin_ = 0;
};

}  // namespace wgmesh::dht::test
