#include "mesh/relay_policy.h"

#include <algorithm>

namespace wgmesh::relay {
namespace {

bool via(const PeerFacts& p, std::string_view label) {
  return std::find(p.discovered_via.begin(), p.discovered_via.end(), label) !=
         p.discovered_via.end();
}

bool contains(const wg::IpPrefix& net, const wg::IpAddress& ip) {
  if (net.family() != ip.family()) return false;
  return wg::IpPrefix{ip, net.length}.canonical() == net.canonical();
}

std::string seconds(int64_t ms) { return std::to_string(ms / 1000) + " s"; }

// Rules 1-6 are facts about topology and configuration, not about the path: when they say
// direct there is nothing to wait for (and with no candidate there is nothing to relay
// through), so hysteresis does not hold the relay.
bool structural(Rule r) { return static_cast<int>(r) <= static_cast<int>(Rule::kNoCandidates); }

}  // namespace

uint64_t fnv1a64(std::string_view data, uint64_t hash) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

uint64_t pair_hash(std::string_view a, std::string_view b) {
  if (b < a) std::swap(a, b);
  uint64_t h = fnv1a64(a);
  h = fnv1a64(std::string_view("\0", 1), h);
  return fnv1a64(b, h);
}

std::optional<std::string> select_relay(std::string_view a, std::string_view b,
                                        std::vector<std::string> candidates) {
  candidates.erase(std::remove(candidates.begin(), candidates.end(), std::string()),
                   candidates.end());
  if (candidates.empty()) return std::nullopt;
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  return candidates[pair_hash(a, b) % candidates.size()];
}

std::vector<std::string> relay_candidates(const LocalFacts& local,
                                          const std::vector<PeerFacts>& peers, int64_t now_ms,
                                          const Settings& settings) {
  std::vector<std::string> out;
  for (const PeerFacts& p : peers) {
    if (p.pubkey.empty() || p.pubkey == local.pubkey || p.offline || !p.introducer ||
        p.endpoint.empty())
      continue;
    bool heard = now_ms - p.last_seen_ms <= settings.candidate_max_age_ms;
    bool tunnel =
        p.last_handshake_ms > 0 && now_ms - p.last_handshake_ms < settings.handshake_stale_ms;
    if (heard || tunnel) out.push_back(p.pubkey);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool endpoint_in_networks(const std::string& endpoint, const std::vector<wg::IpPrefix>& networks) {
  auto ep = wg::Endpoint::parse(endpoint);
  if (!ep.ok()) return false;
  return std::any_of(networks.begin(), networks.end(),
                     [&](const wg::IpPrefix& n) { return contains(n, ep->address); });
}

Decision decide(const LocalFacts& local, const PeerFacts& peer, size_t n_candidates, int64_t now_ms,
                const Settings& s) {
  auto direct = [](Rule r, std::string why) { return Decision{false, r, std::move(why)}; };
  auto relay = [](Rule r, std::string why) { return Decision{true, r, std::move(why)}; };

  if (local.introducer) return direct(Rule::kLocalIntroducer, "this node is an introducer");
  if (peer.introducer) return direct(Rule::kPeerIntroducer, "peer is an introducer");
  if (via(peer, "lan")) return direct(Rule::kLan, "peer is on the LAN");
  if (endpoint_in_networks(peer.endpoint, local.local_networks))
    return direct(Rule::kLocalSubnet, "peer endpoint is on a local subnet");
  if (local.force_relay)
    return n_candidates > 0 ? relay(Rule::kForceRelay, "force_relay")
                            : direct(Rule::kForceRelay, "force_relay, but no relay candidate");
  if (n_candidates == 0) return direct(Rule::kNoCandidates, "no relay candidate");

  const bool both_symmetric = local.nat_type == "symmetric" && peer.nat_type == "symmetric";
  const int64_t hs = peer.last_handshake_ms;
  if (hs > 0 && now_ms - hs < s.handshake_stale_ms)
    return direct(Rule::kFreshHandshake, "direct handshake is fresh");
  if (hs > 0) {
    std::string age = "direct handshake is stale (" + seconds(now_ms - hs) + ")";
    if (s.stale_always_relays) return relay(Rule::kStaleHandshake, age);
    if (both_symmetric)
      return relay(Rule::kStaleHandshake, age + ", both ends behind symmetric NAT");
    if (via(peer, "dht-transitive") && !via(peer, "dht"))
      return relay(Rule::kStaleHandshake, age + ", peer known only transitively");
    return direct(Rule::kStaleHandshake, age);
  }
  auto ep = wg::Endpoint::parse(peer.endpoint);
  if (!local.no_ipv6 && ep.ok() && !ep->address.is_v4())
    return direct(Rule::kIpv6Endpoint, "IPv6 endpoint");
  if (both_symmetric)
    return relay(Rule::kBothSymmetric, "both ends behind symmetric NAT, no handshake");
  if (peer.handshakes_read && via(peer, "dht-transitive"))
    return relay(Rule::kTransitiveNoHandshake, "known transitively, no handshake");
  // Improvement over "otherwise direct": a direct entry that never completes a handshake is
  // relayed once it had its chance. Both ends see the same (absent) handshake, so both get
  // here, each after its own window: the decision converges without any message.
  if (peer.configured_since_ms > 0 && now_ms - peer.configured_since_ms >= s.direct_attempt_ms)
    return relay(Rule::kNoHandshake, "no handshake on the direct entry for " +
                                         seconds(now_ms - peer.configured_since_ms));
  return direct(Rule::kTryDirect, "trying direct first");
}

Evaluation RelayPolicy::evaluate(const LocalFacts& local, const std::vector<PeerFacts>& peers,
                                 int64_t now_ms) {
  Evaluation ev;
  ev.candidates = relay_candidates(local, peers, now_ms, settings_);
  auto recheck = [&](int64_t at) {
    at = std::max(at, now_ms + 1);
    if (!ev.recheck_at_ms || at < *ev.recheck_at_ms) ev.recheck_at_ms = at;
  };
  // Without any introducer in sight nothing can be relayed, and a new one arrives as a store
  // event: no periodic re-evaluation is needed for "no candidate" then.
  const bool any_introducer =
      std::any_of(peers.begin(), peers.end(), [](const PeerFacts& p) { return p.introducer; });
  std::map<std::string, State> next;
  for (const PeerFacts& peer : peers) {
    Outcome o;
    o.pubkey = peer.pubkey;
    auto prev = state_.find(peer.pubkey);
    o.previous_relay = prev == state_.end() ? "" : prev->second.relay;
    if (peer.offline) {
      o.reason = "offline";
      o.changed = !o.previous_relay.empty();
      ev.outcomes.push_back(std::move(o));
      continue;
    }
    Decision d = decide(local, peer, ev.candidates.size(), now_ms, settings_);
    o.rule = d.rule;
    o.reason = d.reason;
    std::optional<std::string> chosen;
    if (d.relay || (prev != state_.end() && !structural(d.rule)))
      chosen = select_relay(local.pubkey, peer.pubkey, ev.candidates);
    if (d.relay && chosen) {
      next[peer.pubkey] = State{*chosen, 0, 0};
      o.relay = *chosen;
    } else if (prev != state_.end() && !structural(d.rule) && chosen) {
      // Hysteresis: the direct result must hold for N evaluations spaced in time before the
      // prefixes leave the relay. Both ends observe the same handshake, so they count over
      // the same window (up to one evaluation interval apart).
      State st = prev->second;
      if (st.last_counted_ms == 0 ||
          now_ms - st.last_counted_ms >= settings_.hysteresis_spacing_ms) {
        ++st.direct_streak;
        st.last_counted_ms = now_ms;
      }
      o.direct_streak = st.direct_streak;
      if (st.direct_streak >= settings_.hysteresis_evaluations) {
        o.reason = d.reason;  // the caller logs "direct again"
      } else {
        st.relay = *chosen;  // the same relay unless the candidate set changed
        o.relay = st.relay;
        o.reason = "holding the relay (" + std::to_string(st.direct_streak) + "/" +
                   std::to_string(settings_.hysteresis_evaluations) +
                   " direct results): " + d.reason;
        next[peer.pubkey] = st;
      }
    } else if (d.relay && !chosen) {
      o.reason += ", but no relay could be selected";
    }
    o.changed = o.relay != o.previous_relay;
    if (!o.relay.empty()) {
      recheck(now_ms + settings_.hysteresis_spacing_ms);
    } else if (d.rule == Rule::kTryDirect) {
      int64_t since = peer.configured_since_ms > 0 ? peer.configured_since_ms : now_ms;
      recheck(since + settings_.direct_attempt_ms);
    } else if (d.rule == Rule::kFreshHandshake) {
      recheck(peer.last_handshake_ms + settings_.handshake_stale_ms);
    } else if (!structural(d.rule) || (d.rule == Rule::kNoCandidates && any_introducer)) {
      // No usable handshake: candidates may age in or out, a handshake may complete.
      recheck(now_ms + settings_.hysteresis_spacing_ms);
    }
    ev.outcomes.push_back(std::move(o));
  }
  // Peers not evaluated (gone from the store, evicted) lose their route and counter.
  state_ = std::move(next);
  return ev;
}

std::string RelayPolicy::relay_of(const std::string& pubkey) const {
  auto it = state_.find(pubkey);
  return it == state_.end() ? "" : it->second.relay;
}

int RelayPolicy::direct_streak(const std::string& pubkey) const {
  auto it = state_.find(pubkey);
  return it == state_.end() ? 0 : it->second.direct_streak;
}

}  // namespace wgmesh::relay
