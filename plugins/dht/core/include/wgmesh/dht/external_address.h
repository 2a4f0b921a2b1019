// Our external address as other nodes report it (BEP 42 "ip" key in their replies).
//
// One reply is only a claim: any node can put any address there. An address counts as ours
// only when several distinct reporters (by IP) agree, so a single liar cannot make the
// embedder treat a third party's address as its own (the plugin skips its own addresses when
// it contacts peers, and a lie would silently hide a real peer). Bounded: a few candidate
// addresses with a few reporters each, whatever the network sends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "wgmesh/dht/endpoint.h"

namespace wgmesh::dht {

class ExternalAddressVotes {
 public:
  static constexpr size_t kMaxCandidates = 16;
  static constexpr size_t kMaxReporters = 8;  // per candidate; more adds no confidence

  // `reported`: the address a node says it saw us at; `reporter`: that node's address.
  void record(const Endpoint& reported, const Endpoint& reporter, int64_t now_ms);

  // Addresses (port 0: the IP is what matters, a NAT may map every flow to another port)
  // reported by at least `min_reporters` distinct reporter IPs, most reporters first.
  std::vector<Endpoint> confirmed(size_t min_reporters) const;

  size_t candidates() const { return candidates_.size(); }

 private:
  struct Candidate {
    Endpoint ip;                      // port zeroed
    std::vector<Endpoint> reporters;  // ports zeroed, distinct
    int64_t last_ms = 0;
  };
  std::vector<Candidate> candidates_;
};

}  // namespace wgmesh::dht
