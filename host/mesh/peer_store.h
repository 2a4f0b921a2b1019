// The peer store (daemon.md §4, §15): what discovery has learned about each peer, merged
// by source rank with presence semantics, plus liveness, expiry and change events.
//
// Improvements over the original, all wire-invisible:
//  - reports carry presence (std::optional): "present and empty" withdraws routes/hostname;
//  - one endpoint candidate per source, each with its own timestamp; the endpoint is the
//    best FRESH candidate, so a stale high-rank endpoint (laptop left the LAN) yields;
//  - identity fields (mesh IPs, introducer, hostname, routes) are rank-gated too, so a
//    second-hand report cannot overwrite what a peer told us directly;
//  - the local key, invalid keys and invalid addresses are rejected at the boundary;
//  - removed / said-goodbye keys are not resurrected by transitive reports for a while;
//  - events are coalesced per key (a dirty set), never dropped.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "mesh/peer_sources.h"

namespace wgmesh {

struct PeerReport {
  std::string pubkey;
  std::optional<std::string> hostname;
  std::optional<std::string> mesh_ip;
  std::optional<std::string> mesh_ipv6;
  std::optional<std::string> endpoint;
  std::optional<bool> introducer;
  std::optional<std::vector<std::string>> routable_networks;
  std::optional<std::string> nat_type;
  std::optional<int64_t> last_seen_unix;  // honoured for non-refreshing sources only
};

// Parses the ABI's peer JSON (keys as in the announcement; `endpoint` or `wg_endpoint`).
Result<PeerReport> parse_peer_report(const std::string& json);

struct EndpointCandidate {
  std::string endpoint;
  std::string label;
  int rank = 0;
  bool ipv6 = false;
  int64_t seen_ms = 0;  // wall clock
};

struct PeerRecord {
  std::string pubkey;
  std::string hostname;
  std::string mesh_ip;
  std::string mesh_ipv6;
  bool introducer = false;
  std::vector<std::string> routable_networks;
  std::string nat_type;
  int64_t last_seen_ms = 0;  // wall clock ms
  int64_t first_seen_ms = 0;
  std::vector<std::string> discovered_via;
  std::vector<EndpointCandidate> candidates;
  int identity_rank = 0;  // rank of the source that last set identity fields
  int64_t identity_seen_ms = 0;
  std::optional<double> latency_ms;

  // The chosen endpoint and the label it came from ("" if none).
  const EndpointCandidate* best_endpoint(int64_t now_ms, bool allow_ipv6, int64_t fresh_ms) const;
  bool via(const std::string& label) const;
};

enum class PeerEvent { New = 1, Updated = 2, Removed = 3 };

struct PeerStoreLimits {
  size_t max_peers = 1000;
  int64_t active_ms = 5 * 60 * 1000;   // PeerDeadTimeout
  int64_t remove_ms = 10 * 60 * 1000;  // PeerRemoveTimeout
  int64_t candidate_fresh_ms = 3 * 60 * 1000;
  int64_t identity_fresh_ms = 3 * 60 * 1000;
  int64_t tombstone_ms = 2 * 60 * 1000;  // no transitive resurrection after a goodbye
  // A report that changes nothing but liveness (the LAN announcement every 30 s, a Go
  // peer's every 5 s) raises no event, so an idle mesh does not re-run collision checks and
  // reconcile for each announcement heard. A refresh after this long without one still
  // raises one: every decision that reads last_seen_ms has a longer window (relay
  // candidates 90 s, active_ms, candidate_fresh_ms), so none of them can change unseen.
  int64_t quiet_refresh_ms = 60 * 1000;
};

class PeerStore {
 public:
  using Clock = std::function<int64_t()>;  // wall clock, ms
  using Listener = std::function<void(PeerEvent, const std::string& pubkey)>;

  PeerStore(const SourceRegistry& sources, Clock clock, PeerStoreLimits limits = {});

  void set_local_pubkey(const std::string& pubkey) { local_pubkey_ = pubkey; }
  void set_allow_ipv6_endpoints(bool allow) { allow_ipv6_ = allow; }

  // Merges a report. Errors say why it was refused (unknown label, own key, bad key, cap...).
  Status update(const PeerReport& report, const std::string& label);
  // Removes a peer; `tombstone` blocks transitive re-adds for limits.tombstone_ms.
  bool remove(const std::string& pubkey, bool tombstone);
  void set_latency(const std::string& pubkey, double ms);

  const PeerRecord* get(const std::string& pubkey) const;
  std::vector<const PeerRecord*> all() const;
  std::vector<const PeerRecord*> active() const;
  bool is_active(const PeerRecord& peer) const;
  size_t count() const { return peers_.size(); }
  // Deletes peers unseen for limits.remove_ms; returns their keys.
  std::vector<std::string> expire();

  std::string endpoint_of(const PeerRecord& peer) const;
  std::string endpoint_label_of(const PeerRecord& peer) const;

  // Events are queued (coalesced per key) and delivered by flush_events().
  void set_listener(Listener listener) { listener_ = std::move(listener); }
  void set_events_pending_hook(std::function<void()> hook) { pending_hook_ = std::move(hook); }
  // Called for every accepted first-hand report (a source that refreshes liveness): proof
  // that the peer's daemon is alive right now.
  void set_first_hand_hook(std::function<void(const std::string&)> hook) {
    first_hand_hook_ = std::move(hook);
  }
  // Decides whether a report's IPv4 mesh address may be stored (daemon.md §8: only
  // addresses derived from the peer's key). A refused address is dropped from the report and
  // the rest is merged. Unset: every valid literal is accepted.
  void set_mesh_ip_filter(
      std::function<bool(const std::string& pubkey, const std::string& ip)> filter) {
    mesh_ip_filter_ = std::move(filter);
  }
  void flush_events();

  const PeerStoreLimits& limits() const { return limits_; }
  int64_t now_ms() const { return clock_(); }

 private:
  void queue_event(PeerEvent kind, const std::string& pubkey);

  const SourceRegistry& sources_;
  Clock clock_;
  PeerStoreLimits limits_;
  std::string local_pubkey_;
  bool allow_ipv6_ = true;
  std::map<std::string, PeerRecord> peers_;
  std::map<std::string, int64_t> tombstones_;  // pubkey -> until (ms)
  std::map<std::string, PeerEvent> pending_;   // coalesced: New wins over Updated
  Listener listener_;
  std::function<void()> pending_hook_;
  std::function<void(const std::string&)> first_hand_hook_;
  std::function<bool(const std::string&, const std::string&)> mesh_ip_filter_;
};

// Validation helpers shared by the store and the host table.
bool is_valid_wg_pubkey(const std::string& text);  // 44-char standard base64 of 32 bytes
bool is_ip_literal(const std::string& text);
bool is_ipv6_endpoint(const std::string& endpoint);
bool split_host_port(const std::string& endpoint, std::string& host, uint16_t& port);
// Canonical CIDR ("192.168.1.7/24" -> "192.168.1.0/24"); empty on invalid input.
std::string canonical_cidr(const std::string& text);

}  // namespace wgmesh
