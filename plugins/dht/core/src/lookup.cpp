#include "wgmesh/dht/lookup.h"

#include <algorithm>

namespace wgmesh::dht {

Lookup::Lookup(LookupKind kind, const NodeId& target, LookupConfig cfg, int64_t now_ms)
    : kind_(kind), target_(target), cfg_(cfg), deadline_(now_ms + cfg.deadline_ms) {
  if (cfg_.alpha == 0) cfg_.alpha = 1;
  if (cfg_.k == 0) cfg_.k = 1;
  if (cfg_.max_attempts < 1) cfg_.max_attempts = 1;
}

bool Lookup::before(const Candidate& a, const Candidate& b) const {
  if (a.id && b.id) return closer_to(target_, *a.id, *b.id);
  return a.id.has_value() && !b.id.has_value();
}

void Lookup::add_candidate(const std::optional<NodeId>& id, const Endpoint& ep) {
  for (auto& c : cands_) {
    if (c.ep == ep) return;
    if (id && c.id && *c.id == *id) return;
  }
  Candidate nc{id, ep};
  if (cands_.size() >= cfg_.max_candidates) {
    // Full: a newcomer may only displace the farthest not-yet-queried candidate, and only
    // if it is closer. Queried slots keep their index because replies refer to it.
    size_t worst = cands_.size();
    for (size_t i = 0; i < cands_.size(); ++i) {
      if (cands_[i].state != State::Fresh) continue;
      if (worst == cands_.size() || before(cands_[worst], cands_[i])) worst = i;
    }
    if (worst == cands_.size() || !before(nc, cands_[worst])) return;
    cands_[worst] = nc;
    return;
  }
  cands_.push_back(nc);
}

std::vector<size_t> Lookup::ordered() const {
  std::vector<size_t> idx;
  idx.reserve(cands_.size());
  for (size_t i = 0; i < cands_.size(); ++i)
    if (live(cands_[i].state)) idx.push_back(i);
  std::sort(idx.begin(), idx.end(),
            [this](size_t a, size_t b) { return before(cands_[a], cands_[b]); });
  return idx;
}

std::vector<Lookup::Request> Lookup::next_requests() {
  std::vector<Request> out;
  // Retries go out regardless of alpha: they are few (one per suspect) and must not
  // wait behind fresh queries.
  for (size_t i = 0; i < cands_.size(); ++i) {
    Candidate& c = cands_[i];
    if (c.state != State::Retry) continue;
    c.state = State::Retrying;
    ++c.attempts;
    ++queries_sent_;
    out.push_back({i, c.ep, c.id});
  }
  if (in_flight_ >= cfg_.alpha) return out;
  // Only the k closest live candidates matter; querying farther ones would not change
  // the result. Unknown-ID seeds (routers) sort last but are still inside the window
  // while the shortlist is short.
  auto order = ordered();
  size_t considered = 0;
  for (size_t i : order) {
    if (considered++ >= cfg_.k) break;
    Candidate& c = cands_[i];
    if (c.state != State::Fresh) continue;
    c.state = State::InFlight;
    ++c.attempts;
    ++in_flight_;
    ++queries_sent_;
    out.push_back({i, c.ep, c.id});
    if (in_flight_ >= cfg_.alpha) break;
  }
  return out;
}

bool Lookup::on_response(size_t slot, const Response& r) {
  if (slot >= cands_.size()) return false;
  Candidate& c = cands_[slot];
  if (c.state == State::InFlight)
    --in_flight_;
  else if (c.state != State::Retrying)
    return false;
  if (c.id && *c.id != r.id) {
    c.state = State::Failed;  // someone else answers at that address
    return false;
  }
  c.id = r.id;
  c.state = State::Responded;
  ++responses_;
  if (r.token) c.token = *r.token;
  // Copy what we need before add_candidate() may grow cands_ and invalidate `c`.
  for (const auto& n : r.nodes) add_candidate(n.id, n.ep);
  for (const auto& n : r.nodes6) add_candidate(n.id, n.ep);
  if (kind_ == LookupKind::GetPeers) {
    for (const auto& v : r.values) {
      if (values_.size() >= cfg_.max_values) break;
      if (v.port == 0) continue;
      if (std::find(values_.begin(), values_.end(), v) == values_.end()) values_.push_back(v);
    }
  }
  return true;
}

void Lookup::on_timeout(size_t slot) {
  if (slot >= cands_.size()) return;
  Candidate& c = cands_[slot];
  if (c.state == State::InFlight) {
    --in_flight_;
    c.state = c.attempts < cfg_.max_attempts ? State::Retry : State::Failed;
  } else if (c.state == State::Retrying) {
    c.state = c.attempts < cfg_.max_attempts ? State::Retry : State::Failed;
  }
}

void Lookup::on_error(size_t slot) {
  if (slot >= cands_.size()) return;
  Candidate& c = cands_[slot];
  if (c.state == State::InFlight) --in_flight_;
  if (c.state == State::InFlight || c.state == State::Retrying) c.state = State::Failed;
}

size_t Lookup::suspects() const {
  size_t n = 0;
  for (const auto& c : cands_) n += (c.state == State::Retry || c.state == State::Retrying);
  return n;
}

bool Lookup::done(int64_t now_ms) const {
  if (now_ms >= deadline_) return true;
  auto order = ordered();
  size_t considered = 0;
  for (size_t i : order) {
    if (considered++ >= cfg_.k) break;
    if (cands_[i].state != State::Responded) return false;
  }
  // Every one of the k closest live candidates answered: a straggler farther out cannot
  // bring anything closer that the closest ones did not already tell us about. With fewer
  // than k live answers, wait for the suspects' retries: they may be all there is.
  return considered >= cfg_.k || suspects() == 0;
}

std::vector<TokenHolder> Lookup::token_holders() const {
  std::vector<TokenHolder> out;
  for (size_t i : ordered()) {
    const Candidate& c = cands_[i];
    if (c.state != State::Responded || c.token.empty() || !c.id) continue;
    out.push_back({*c.id, c.ep, c.token});
    if (out.size() >= cfg_.k) break;
  }
  return out;
}

std::vector<NodeInfo> Lookup::closest_responders() const {
  std::vector<NodeInfo> out;
  for (size_t i : ordered()) {
    const Candidate& c = cands_[i];
    if (c.state != State::Responded || !c.id) continue;
    out.push_back({*c.id, c.ep});
    if (out.size() >= cfg_.k) break;
  }
  return out;
}

}  // namespace wgmesh::dht
