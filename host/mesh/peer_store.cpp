#include "mesh/peer_store.h"

#include <arpa/inet.h>
#include <rapidjson/document.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace wgmesh {

// ---- validation helpers ------------------------------------------------------------------

bool is_valid_wg_pubkey(const std::string& text) {
  if (text.size() != 44 || text[43] != '=') return false;
  unsigned char out[33];
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out, sizeof out, text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return false;
  return len == 32 && end == text.data() + text.size();
}

bool is_ip_literal(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

bool split_host_port(const std::string& endpoint, std::string& host, uint16_t& port) {
  std::string p;
  if (!endpoint.empty() && endpoint[0] == '[') {
    auto close = endpoint.find(']');
    if (close == std::string::npos || close + 1 >= endpoint.size() || endpoint[close + 1] != ':')
      return false;
    host = endpoint.substr(1, close - 1);
    p = endpoint.substr(close + 2);
  } else {
    auto colon = endpoint.rfind(':');
    if (colon == std::string::npos || endpoint.find(':') != colon) return false;
    host = endpoint.substr(0, colon);
    p = endpoint.substr(colon + 1);
  }
  if (p.empty() || p.size() > 5) return false;
  unsigned long v = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned long>(c - '0');
  }
  if (v == 0 || v > 65535) return false;
  port = static_cast<uint16_t>(v);
  return true;
}

bool is_ipv6_endpoint(const std::string& endpoint) {
  std::string host;
  uint16_t port = 0;
  if (!split_host_port(endpoint, host, port)) return false;
  unsigned char buf[16];
  if (inet_pton(AF_INET6, host.c_str(), buf) != 1) return false;
  // IPv4-mapped addresses count as IPv4 (discovery.md §2.4).
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(buf, kMapped, 12) != 0;
}

std::string canonical_cidr(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return "";
  std::string addr = text.substr(0, slash);
  std::string len_text = text.substr(slash + 1);
  if (len_text.empty() || len_text.size() > 3) return "";
  int len = 0;
  for (char c : len_text) {
    if (c < '0' || c > '9') return "";
    len = len * 10 + (c - '0');
  }
  unsigned char buf[16] = {0};
  int family = AF_INET;
  int bits = 32;
  if (inet_pton(AF_INET, addr.c_str(), buf) != 1) {
    if (inet_pton(AF_INET6, addr.c_str(), buf) != 1) return "";
    family = AF_INET6;
    bits = 128;
  }
  if (len > bits) return "";
  for (int i = 0; i < bits / 8; ++i) {
    int keep = std::clamp(len - i * 8, 0, 8);
    buf[i] &= static_cast<unsigned char>(keep == 8 ? 0xff : (0xff << (8 - keep)) & 0xff);
  }
  char out[INET6_ADDRSTRLEN];
  inet_ntop(family, buf, out, sizeof out);
  return std::string(out) + "/" + std::to_string(len);
}

// ---- report parsing -----------------------------------------------------------------------

Result<PeerReport> parse_peer_report(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return Error{"peer report: not a JSON object"};
  PeerReport r;
  auto str = [&](const char* key, std::optional<std::string>& out) -> Status {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || it->value.IsNull()) return {};
    if (!it->value.IsString())
      return Error{std::string("peer report: '") + key + "' must be a string"};
    out = std::string(it->value.GetString(), it->value.GetStringLength());
    return {};
  };
  std::optional<std::string> pubkey;
  for (auto [key, field] : {std::pair{"wg_pubkey", &pubkey},
                            {"hostname", &r.hostname},
                            {"mesh_ip", &r.mesh_ip},
                            {"mesh_ipv6", &r.mesh_ipv6},
                            {"endpoint", &r.endpoint},
                            {"nat_type", &r.nat_type}}) {
    Status st = str(key, *field);
    if (!st.ok()) return st.error();
  }
  if (!r.endpoint) {
    Status st = str("wg_endpoint", r.endpoint);
    if (!st.ok()) return st.error();
  }
  if (!pubkey) return Error{"peer report: 'wg_pubkey' is required"};
  r.pubkey = *pubkey;
  if (auto it = doc.FindMember("introducer"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsBool()) return Error{"peer report: 'introducer' must be a boolean"};
    r.introducer = it->value.GetBool();
  }
  if (auto it = doc.FindMember("routable_networks"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsArray()) return Error{"peer report: 'routable_networks' must be an array"};
    std::vector<std::string> nets;
    for (const auto& v : it->value.GetArray()) {
      if (!v.IsString()) return Error{"peer report: 'routable_networks' must hold strings"};
      nets.emplace_back(v.GetString(), v.GetStringLength());
    }
    r.routable_networks = std::move(nets);
  }
  if (auto it = doc.FindMember("last_seen"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsInt64()) return Error{"peer report: 'last_seen' must be an integer"};
    r.last_seen_unix = it->value.GetInt64();
  }
  return r;
}

// ---- PeerRecord ----------------------------------------------------------------------------

const EndpointCandidate* PeerRecord::best_endpoint(int64_t now_ms, bool allow_ipv6,
                                                   int64_t fresh_ms) const {
  const EndpointCandidate* best = nullptr;
  auto better = [&](const EndpointCandidate& a, const EndpointCandidate& b) {
    bool fa = now_ms - a.seen_ms <= fresh_ms, fb = now_ms - b.seen_ms <= fresh_ms;
    if (fa != fb) return fa;
    if (a.rank != b.rank) return a.rank > b.rank;
    if (a.ipv6 != b.ipv6) return a.ipv6;  // equal rank: IPv6 preferred, as the original
    return a.seen_ms > b.seen_ms;         // then the newest report
  };
  for (const auto& c : candidates) {
    if (!allow_ipv6 && c.ipv6) continue;
    if (!best || better(c, *best)) best = &c;
  }
  return best;
}

bool PeerRecord::via(const std::string& label) const {
  return std::find(discovered_via.begin(), discovered_via.end(), label) != discovered_via.end();
}

// ---- PeerStore -----------------------------------------------------------------------------

PeerStore::PeerStore(const SourceRegistry& sources, Clock clock, PeerStoreLimits limits)
    : sources_(sources), clock_(std::move(clock)), limits_(limits) {}

Status PeerStore::update(const PeerReport& report, const std::string& label) {
  const SourceInfo* source = sources_.find(label);
  if (!source) return Error{"unknown source label '" + label + "'"};
  if (!is_valid_wg_pubkey(report.pubkey)) return Error{"invalid wg_pubkey"};
  if (report.pubkey == local_pubkey_) return Error{"report about the local node ignored"};
  if (report.mesh_ip && !report.mesh_ip->empty() && !is_ip_literal(*report.mesh_ip))
    return Error{"invalid mesh_ip '" + *report.mesh_ip + "'"};
  if (report.mesh_ipv6 && !report.mesh_ipv6->empty() && !is_ip_literal(*report.mesh_ipv6))
    return Error{"invalid mesh_ipv6 '" + *report.mesh_ipv6 + "'"};
  if (mesh_ip_filter_ && report.mesh_ip && !report.mesh_ip->empty() &&
      !mesh_ip_filter_(report.pubkey, *report.mesh_ip)) {
    PeerReport without = report;  // the rest of the report is still true
    without.mesh_ip.reset();
    return update(without, label);
  }

  const int64_t now = clock_();
  auto tomb = tombstones_.find(report.pubkey);
  if (tomb != tombstones_.end()) {
    if (now >= tomb->second)
      tombstones_.erase(tomb);
    else if (!source->refreshes_liveness())
      return Error{"peer recently departed; second-hand report ignored"};
    else
      tombstones_.erase(tomb);
  }

  auto it = peers_.find(report.pubkey);
  bool is_new = it == peers_.end();
  // What listeners can see of the peer before the merge, to tell a pure liveness refresh
  // (no event) from a change (see PeerStoreLimits::quiet_refresh_ms).
  // last_seen_ms is compared apart: a refresh counts only once it is quiet_refresh_ms old.
  struct Seen {
    std::string hostname, mesh_ip, mesh_ipv6, nat_type, endpoint, endpoint_label;
    bool introducer = false, active = false;
    std::vector<std::string> routable_networks;
    size_t candidates = 0, via = 0;
    bool operator==(const Seen&) const = default;
  } before;
  int64_t last_seen_before_ms = 0;
  auto seen = [&](const PeerRecord& p) {
    Seen s;
    s.hostname = p.hostname;
    s.mesh_ip = p.mesh_ip;
    s.mesh_ipv6 = p.mesh_ipv6;
    s.nat_type = p.nat_type;
    s.introducer = p.introducer;
    s.active = now - p.last_seen_ms < limits_.active_ms;
    s.routable_networks = p.routable_networks;
    s.candidates = p.candidates.size();
    s.via = p.discovered_via.size();
    if (const auto* c = p.best_endpoint(now, allow_ipv6_, limits_.candidate_fresh_ms)) {
      s.endpoint = c->endpoint;
      s.endpoint_label = c->label;
    }
    return s;
  };
  if (!is_new) {
    before = seen(it->second);
    last_seen_before_ms = it->second.last_seen_ms;
  }
  if (is_new) {
    if (peers_.size() >= limits_.max_peers)
      return Error{"peer cap reached (" + std::to_string(limits_.max_peers) +
                   "); dropping new peer via " + label};
    PeerRecord rec;
    rec.pubkey = report.pubkey;
    rec.first_seen_ms = now;
    // A second-hand report may say how old its sighting is; otherwise "now" (as the
    // original does, so transitive discovery can bootstrap a path).
    rec.last_seen_ms = (!source->refreshes_liveness() && report.last_seen_unix)
                           ? std::min(now, *report.last_seen_unix * 1000)
                           : now;
    it = peers_.emplace(report.pubkey, std::move(rec)).first;
  }
  PeerRecord& peer = it->second;

  // Liveness.
  if (!is_new) {
    if (source->refreshes_liveness())
      peer.last_seen_ms = now;
    else if (report.last_seen_unix)
      peer.last_seen_ms = std::max(peer.last_seen_ms, std::min(now, *report.last_seen_unix * 1000));
  }

  // Identity fields: rank-gated, unless the previous setter's knowledge went stale.
  bool identity_ok = is_new || source->rank >= peer.identity_rank ||
                     now - peer.identity_seen_ms > limits_.identity_fresh_ms;
  if (identity_ok) {
    if (report.mesh_ip && !report.mesh_ip->empty()) peer.mesh_ip = *report.mesh_ip;
    if (report.mesh_ipv6) peer.mesh_ipv6 = *report.mesh_ipv6;
    if (report.hostname) peer.hostname = *report.hostname;
    if (report.introducer) peer.introducer = *report.introducer;
    if (report.nat_type && !report.nat_type->empty()) peer.nat_type = *report.nat_type;
    if (report.routable_networks) {
      std::vector<std::string> nets;
      for (const auto& n : *report.routable_networks) {
        std::string c = canonical_cidr(n);
        if (!c.empty() && std::find(nets.begin(), nets.end(), c) == nets.end()) nets.push_back(c);
      }
      peer.routable_networks = std::move(nets);
    }
    peer.identity_rank = source->rank;
    peer.identity_seen_ms = now;
  }

  // Endpoint candidate per source label.
  if (report.endpoint && !report.endpoint->empty()) {
    std::string host;
    uint16_t port = 0;
    if (split_host_port(*report.endpoint, host, port) && !host.empty() && host != "0.0.0.0" &&
        host != "::") {
      auto c = std::find_if(peer.candidates.begin(), peer.candidates.end(),
                            [&](const EndpointCandidate& e) { return e.label == label; });
      if (c == peer.candidates.end()) {
        peer.candidates.push_back({});
        c = std::prev(peer.candidates.end());
      }
      c->endpoint = *report.endpoint;
      c->label = label;
      c->rank = source->rank;
      c->ipv6 = is_ipv6_endpoint(*report.endpoint);
      c->seen_ms = now;
    }
  }

  if (!peer.via(label)) peer.discovered_via.push_back(label);
  if (is_new) {
    queue_event(PeerEvent::New, report.pubkey);
  } else {
    const bool changed =
        !(seen(peer) == before) || (peer.last_seen_ms != last_seen_before_ms &&
                                    now - last_seen_before_ms >= limits_.quiet_refresh_ms);
    if (changed) queue_event(PeerEvent::Updated, report.pubkey);
  }
  if (source->refreshes_liveness() && first_hand_hook_) first_hand_hook_(report.pubkey);
  return {};
}

bool PeerStore::remove(const std::string& pubkey_ref, bool tombstone) {
  // Copy first: callers often pass a reference to the record's own key, erased below.
  const std::string pubkey = pubkey_ref;
  auto it = peers_.find(pubkey);
  if (tombstone) tombstones_[pubkey] = clock_() + limits_.tombstone_ms;
  if (it == peers_.end()) return false;
  peers_.erase(it);
  queue_event(PeerEvent::Removed, pubkey);
  return true;
}

void PeerStore::set_latency(const std::string& pubkey, double ms) {
  auto it = peers_.find(pubkey);
  if (it != peers_.end()) it->second.latency_ms = ms;
}

const PeerRecord* PeerStore::get(const std::string& pubkey) const {
  auto it = peers_.find(pubkey);
  return it == peers_.end() ? nullptr : &it->second;
}

std::vector<const PeerRecord*> PeerStore::all() const {
  std::vector<const PeerRecord*> out;
  out.reserve(peers_.size());
  for (const auto& [k, v] : peers_) out.push_back(&v);
  return out;
}

bool PeerStore::is_active(const PeerRecord& peer) const {
  return clock_() - peer.last_seen_ms < limits_.active_ms;
}

std::vector<const PeerRecord*> PeerStore::active() const {
  std::vector<const PeerRecord*> out;
  for (const auto& [k, v] : peers_)
    if (is_active(v)) out.push_back(&v);
  return out;
}

std::vector<std::string> PeerStore::expire() {
  std::vector<std::string> gone;
  const int64_t now = clock_();
  for (auto it = peers_.begin(); it != peers_.end();) {
    if (now - it->second.last_seen_ms > limits_.remove_ms) {
      gone.push_back(it->first);
      queue_event(PeerEvent::Removed, it->first);
      it = peers_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = tombstones_.begin(); it != tombstones_.end();)
    it = now >= it->second ? tombstones_.erase(it) : std::next(it);
  return gone;
}

std::string PeerStore::endpoint_of(const PeerRecord& peer) const {
  const EndpointCandidate* c =
      peer.best_endpoint(clock_(), allow_ipv6_, limits_.candidate_fresh_ms);
  return c ? c->endpoint : std::string();
}

std::string PeerStore::endpoint_label_of(const PeerRecord& peer) const {
  const EndpointCandidate* c =
      peer.best_endpoint(clock_(), allow_ipv6_, limits_.candidate_fresh_ms);
  return c ? c->label : std::string();
}

void PeerStore::queue_event(PeerEvent kind, const std::string& pubkey) {
  bool was_empty = pending_.empty();
  auto it = pending_.find(pubkey);
  if (it == pending_.end()) {
    pending_[pubkey] = kind;
  } else if (kind == PeerEvent::Removed) {
    // New then Removed before anyone saw it: nothing to tell; otherwise Removed.
    if (it->second == PeerEvent::New)
      pending_.erase(it);
    else
      it->second = PeerEvent::Removed;
  } else if (it->second == PeerEvent::Removed) {
    it->second = PeerEvent::New;  // removed and re-added: listeners see it as new
  }
  if (was_empty && !pending_.empty() && pending_hook_) pending_hook_();
}

void PeerStore::flush_events() {
  // Swap first: listeners may report peers (and so queue new events) while we deliver.
  std::map<std::string, PeerEvent> batch;
  batch.swap(pending_);
  if (!listener_) return;
  for (const auto& [key, kind] : batch) listener_(kind, key);
}

}  // namespace wgmesh
