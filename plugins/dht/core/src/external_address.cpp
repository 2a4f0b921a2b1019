#include "wgmesh/dht/external_address.h"

#include <algorithm>

namespace wgmesh::dht {

namespace {
Endpoint ip_only(Endpoint e) {
  e.port = 0;
  return e;
}
}  // namespace

void ExternalAddressVotes::record(const Endpoint& reported, const Endpoint& reporter,
                                  int64_t now_ms) {
  if (reported.is_unspecified()) return;
  const Endpoint ip = ip_only(reported);
  const Endpoint who = ip_only(reporter);
  auto it = std::find_if(candidates_.begin(), candidates_.end(),
                         [&](const Candidate& c) { return c.ip == ip; });
  if (it == candidates_.end()) {
    if (candidates_.size() >= kMaxCandidates) {
      // Evict the weakest, then oldest, claim: a flood of invented addresses must not push
      // out the one the honest majority keeps confirming.
      auto victim = std::min_element(candidates_.begin(), candidates_.end(),
                                     [](const Candidate& a, const Candidate& b) {
                                       if (a.reporters.size() != b.reporters.size())
                                         return a.reporters.size() < b.reporters.size();
                                       return a.last_ms < b.last_ms;
                                     });
      candidates_.erase(victim);
    }
    candidates_.push_back({ip, {}, now_ms});
    it = std::prev(candidates_.end());
  }
  it->last_ms = now_ms;
  if (it->reporters.size() < kMaxReporters &&
      std::find(it->reporters.begin(), it->reporters.end(), who) == it->reporters.end())
    it->reporters.push_back(who);
}

std::vector<Endpoint> ExternalAddressVotes::confirmed(size_t min_reporters) const {
  std::vector<const Candidate*> ok;
  for (const auto& c : candidates_)
    if (c.reporters.size() >= std::max<size_t>(min_reporters, 1)) ok.push_back(&c);
  std::stable_sort(ok.begin(), ok.end(), [](const Candidate* a, const Candidate* b) {
    return a->reporters.size() > b->reporters.size();
  });
  std::vector<Endpoint> out;
  for (const auto* c : ok) out.push_back(c->ip);
  return out;
}

}  // namespace wgmesh::dht
