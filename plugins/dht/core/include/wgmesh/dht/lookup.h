// One iterative Kademlia lookup (find_node or get_peers) as a passive state machine.
//
// The lookup never sends anything itself: DhtNode asks it for the next requests
// (at most alpha in flight), sends them, and feeds back responses, errors and timeouts.
// That keeps transaction IDs, retries on the wire and the socket in one place (the node)
// and makes the lookup logic testable without a network.
//
// Termination: the lookup is done when the k closest candidates that are still alive have
// all answered (nothing closer is unqueried or in flight), when no candidate is left, or
// when the total deadline passes. On the deadline the best answers so far still count, so
// an announce still goes out (spec §3.3 improvement).
//
// Unresponsive nodes: a candidate whose request times out becomes a "suspect". It is
// retried (up to max_attempts) but no longer holds a place among the k closest, so one
// dead node costs one request timeout, not timeout x attempts, and the next candidate is
// asked straight away. Suspects only hold the lookup open while fewer than k live
// responders exist (e.g. the only bootstrap router lost a packet).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wgmesh/dht/endpoint.h"
#include "wgmesh/dht/krpc.h"
#include "wgmesh/dht/node_id.h"

namespace wgmesh::dht {

enum class LookupKind { FindNode, GetPeers };

struct LookupConfig {
  size_t alpha = 3;
  size_t k = 8;
  int max_attempts = 2;         // sends per candidate (1 + retries) before giving up on it
  int64_t deadline_ms = 30000;  // whole-lookup budget
  size_t max_candidates = 128;  // memory bound on the shortlist
  size_t max_values = 512;      // peers kept from get_peers replies
};

struct TokenHolder {
  NodeId id;
  Endpoint ep;
  std::string token;
};

class Lookup {
 public:
  struct Request {
    size_t slot;  // pass back to on_response / on_failure
    Endpoint ep;
    std::optional<NodeId> id;  // expected responder ID, if known
  };

  Lookup(LookupKind kind, const NodeId& target, LookupConfig cfg, int64_t now_ms);

  // Seeds (routing table, bootstrap routers without a known ID) and nodes learned from
  // replies. Duplicates by ID or endpoint are ignored.
  void add_candidate(const std::optional<NodeId>& id, const Endpoint& ep);

  // Candidates to query now, marked in flight. Empty when alpha are already in flight.
  std::vector<Request> next_requests();

  // A reply from the candidate in `slot`. Returns false when it was not expected (the
  // slot is not in flight, e.g. it already timed out and was retried elsewhere).
  bool on_response(size_t slot, const Response& r);
  // Timeout: retried later if attempts remain, else the candidate is dropped.
  void on_timeout(size_t slot);
  // An error reply or an ID mismatch: dropped without retry.
  void on_error(size_t slot);

  bool done(int64_t now_ms) const;
  int64_t deadline_ms() const { return deadline_; }

  LookupKind kind() const { return kind_; }
  const NodeId& target() const { return target_; }
  // The k closest responders that supplied a token (get_peers), closest first.
  std::vector<TokenHolder> token_holders() const;
  // The k closest responders (find_node result), closest first.
  std::vector<NodeInfo> closest_responders() const;
  const std::vector<Endpoint>& values() const { return values_; }
  size_t queries_sent() const { return queries_sent_; }
  size_t responses() const { return responses_; }
  size_t in_flight() const { return in_flight_; }  // first attempts (bounded by alpha)
  size_t suspects() const;                         // timed out, waiting for a retry

 private:
  // Retry: timed out, resend due; Retrying: resent and waiting. Both are "suspects".
  enum class State { Fresh, InFlight, Responded, Failed, Retry, Retrying };
  struct Candidate {
    std::optional<NodeId> id;
    Endpoint ep;
    State state = State::Fresh;
    int attempts = 0;
    std::string token;
  };

  static bool live(State s) {
    return s == State::Fresh || s == State::InFlight || s == State::Responded;
  }
  // Indices of live (not failed, not suspect) candidates by distance; unknown IDs last.
  std::vector<size_t> ordered() const;
  bool before(const Candidate& a, const Candidate& b) const;

  LookupKind kind_;
  NodeId target_;
  LookupConfig cfg_;
  int64_t deadline_;
  std::vector<Candidate> cands_;
  std::vector<Endpoint> values_;
  size_t in_flight_ = 0;
  size_t queries_sent_ = 0;
  size_t responses_ = 0;
};

}  // namespace wgmesh::dht
