// Relay routing decisions (daemon.md §5.1, §5.3, §7): which peers are relay candidates,
// whether each peer is reached directly or through a relay, which relay, and when a relayed
// peer may go back to direct. Pure and I/O-free: the reconciler gathers the facts (peer
// store, WireGuard handshakes, local interface networks, the clock) and applies the outcome.
//
// Agreement without new wire messages (the spec's correctness improvements):
//  * the relay is chosen from the UNORDERED pair: FNV-1a 64 over (smaller key, 0x00, greater
//    key) modulo the number of candidates sorted by key, so A and B pick the same relay
//    whenever they see the same candidate set (the original hashed (local, P) and two nodes
//    usually picked different relays, so WireGuard's source check dropped the traffic);
//  * the evidence that decides "relay" is symmetric: while P is relayed the reconciler keeps
//    P's direct WireGuard entry (endpoint, keepalive, no allowed IPs), so handshake attempts
//    continue on both ends, and a WireGuard handshake is seen by both ends at the same moment.
//    "No handshake on the direct entry for `direct_attempt_ms` since it was configured"
//    therefore holds on both sides, and so does "a handshake succeeded". A node only relays
//    a peer whose direct handshake is fresh during the hysteresis window or with force_relay
//    (see reconciler.cpp for why force_relay removes the direct entry instead).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wireguard/types.h"

namespace wgmesh::relay {

struct Settings {
  int64_t candidate_max_age_ms = 90 * 1000;  // §5.1: heard from within 90 s
  int64_t handshake_stale_ms = 150 * 1000;   // §5.3 rules 7/8
  // Rule 12 "try direct first": how long a direct entry may go without any handshake before
  // the peer is relayed. WireGuard retries an initiation every 5 s (REKEY_TIMEOUT), so this
  // is the first attempt plus two retries; it stays under the health monitor's 20 s grace
  // for new peers, so a peer that is only reachable through a relay is relayed before its
  // probes may evict it.
  int64_t direct_attempt_ms = 12 * 1000;
  // Hysteresis (later upstream): a relayed peer goes back to direct only after the direct
  // result held for this many evaluations, each at least `hysteresis_spacing_ms` after the
  // previous counted one. Time-based because our reconcile is event-driven: a burst of
  // store events must not count as three "cycles".
  int hysteresis_evaluations = 3;
  int64_t hysteresis_spacing_ms = 5000;
  // Rule 8 for a stale handshake: false = fd8b650 (relay only symmetric/symmetric or
  // transitive-only peers), true = later upstream (always relay).
  bool stale_always_relays = false;
};

// What this node knows about itself.
struct LocalFacts {
  std::string pubkey;
  bool introducer = false;
  bool force_relay = false;
  bool no_ipv6 = false;
  std::string nat_type;  // "cone", "symmetric", "unknown" or ""
  // Networks of the local interfaces that are up and not loopback (rule 4).
  std::vector<wg::IpPrefix> local_networks;
};

// What this node knows about one peer it may configure.
struct PeerFacts {
  std::string pubkey;
  bool introducer = false;
  bool offline = false;  // temporarily offline (§6.3)
  std::string endpoint;  // the store's chosen endpoint, "" if none
  std::string nat_type;
  std::vector<std::string> discovered_via;
  int64_t last_seen_ms = 0;  // wall clock
  // WireGuard evidence for the peer's own (direct) entry.
  bool handshakes_read = false;     // the device was read successfully this time
  bool has_entry = false;           // the device has an entry for this key
  int64_t last_handshake_ms = 0;    // wall clock; 0 = never
  int64_t configured_since_ms = 0;  // when the direct entry was first wanted; 0 = not yet
};

// §5.1: the introducers a relayed peer's traffic may go through, sorted by key. A candidate
// must have been heard from within candidate_max_age_ms, or (an addition) have a WireGuard
// handshake younger than handshake_stale_ms: a working tunnel to it is exactly what relaying
// needs, and without periodic discovery its LastSeen would otherwise lapse after 90 s.
std::vector<std::string> relay_candidates(const LocalFacts& local,
                                          const std::vector<PeerFacts>& peers, int64_t now_ms,
                                          const Settings& settings);

// FNV-1a 64 over `data`.
uint64_t fnv1a64(std::string_view data, uint64_t hash = 0xcbf29ce484222325ULL);
// FNV-1a 64 over (smaller key bytes, 0x00, greater key bytes): the same for (a, b) and (b, a).
// Keys are hashed as their base64 text, as the original did.
uint64_t pair_hash(std::string_view a, std::string_view b);
// The relay for the pair (a, b) among `candidates` (any order; empty keys are ignored):
// sorted by key, index pair_hash mod n. nullopt if no candidate remains.
std::optional<std::string> select_relay(std::string_view a, std::string_view b,
                                        std::vector<std::string> candidates);

// The §5.3 rules, numbered as in the table.
enum class Rule {
  kLocalIntroducer = 1,
  kPeerIntroducer = 2,
  kLan = 3,
  kLocalSubnet = 4,
  kForceRelay = 5,
  kNoCandidates = 6,
  kFreshHandshake = 7,
  kStaleHandshake = 8,
  kIpv6Endpoint = 9,
  kBothSymmetric = 10,
  kTransitiveNoHandshake = 11,
  kNoHandshake = 12,  // relay: the direct entry never completed a handshake in time
  kTryDirect = 13,    // direct: rule 12's "try direct first", still inside the window
};

struct Decision {
  bool relay = false;
  Rule rule = Rule::kTryDirect;
  std::string reason;  // for the log
};

// True if the endpoint's IP lies inside one of `networks` (hostnames and unparsable
// endpoints never match).
bool endpoint_in_networks(const std::string& endpoint, const std::vector<wg::IpPrefix>& networks);

// The first applicable rule of §5.3 (stateless; hysteresis is RelayPolicy's job).
Decision decide(const LocalFacts& local, const PeerFacts& peer, size_t n_candidates, int64_t now_ms,
                const Settings& settings);

struct Outcome {
  std::string pubkey;
  std::string relay;  // "" = direct
  std::string reason;
  Rule rule = Rule::kTryDirect;
  bool changed = false;        // the route differs from the previous evaluation's
  std::string previous_relay;  // the route before this evaluation ("" = direct)
  int direct_streak = 0;       // hysteresis progress while relayed
};

struct Evaluation {
  std::vector<Outcome> outcomes;  // one per input peer (offline peers included, as direct)
  std::vector<std::string> candidates;
  // Something may change without a new store event (a peer is relayed, or waits for its
  // first handshake): evaluate again by this time.
  std::optional<int64_t> recheck_at_ms;
};

// The stateful part: the current route of each peer and the hysteresis counters.
class RelayPolicy {
 public:
  explicit RelayPolicy(Settings settings = {}) : settings_(settings) {}

  Evaluation evaluate(const LocalFacts& local, const std::vector<PeerFacts>& peers, int64_t now_ms);
  // The relay currently carrying `pubkey`'s prefixes, "" if direct.
  std::string relay_of(const std::string& pubkey) const;
  int direct_streak(const std::string& pubkey) const;
  // Eviction or removal: forgets the peer's route and hysteresis counter.
  void forget(const std::string& pubkey) { state_.erase(pubkey); }
  size_t relayed_count() const { return state_.size(); }
  const Settings& settings() const { return settings_; }

 private:
  struct State {
    std::string relay;
    int direct_streak = 0;
    int64_t last_counted_ms = 0;
  };
  Settings settings_;
  std::map<std::string, State> state_;  // relayed peers only
};

}  // namespace wgmesh::relay
