#include "wgmesh/dht/node.h"

#include <algorithm>
#include <cmath>

namespace wgmesh::dht {

namespace {
constexpr int64_t kPeerExpiryIntervalMs = 60 * 1000;
}

DhtNode::DhtNode(DhtConfig cfg, Transport& transport, Clock& clock, Random& rng)
    : cfg_(std::move(cfg)),
      transport_(transport),
      clock_(clock),
      rng_(rng),
      id_(cfg_.node_id ? *cfg_.node_id : NodeId::random(rng)),
      tokens_(rng, clock.now_ms(), cfg_.token_rotate_ms),
      peers_(cfg_.peer_store),
      limiter_(cfg_.rate_limit) {
  const int64_t now = clock_.now_ms();
  if (cfg_.ipv4) table4_.emplace(id_, Family::V4, cfg_.table, now);
  if (cfg_.ipv6) table6_.emplace(id_, Family::V6, cfg_.table, now);
  decode_limits_.bencode.max_input = cfg_.max_datagram;
  decode_limits_.max_values = cfg_.lookup.max_values;
  next_expiry_ms_ = now + kPeerExpiryIntervalMs;
}

// ---------------------------------------------------------------- small helpers

RoutingTable* DhtNode::table_mut(Family f) {
  auto& t = f == Family::V4 ? table4_ : table6_;
  return t ? &*t : nullptr;
}

const RoutingTable* DhtNode::table(Family f) const {
  const auto& t = f == Family::V4 ? table4_ : table6_;
  return t ? &*t : nullptr;
}

bool DhtNode::family_enabled(Family f) const { return f == Family::V4 ? cfg_.ipv4 : cfg_.ipv6; }

bool DhtNode::is_self(const Endpoint& ep) const {
  return std::find(cfg_.self_endpoints.begin(), cfg_.self_endpoints.end(), ep) !=
         cfg_.self_endpoints.end();
}

void DhtNode::add_self_endpoint(const Endpoint& ep) {
  if (!is_self(ep) && cfg_.self_endpoints.size() < 64) cfg_.self_endpoints.push_back(ep);
}

void DhtNode::set_bootstrap(std::vector<Endpoint> routers) {
  cfg_.bootstrap = std::move(routers);
  // Without this a node whose routers were unknown at start would wait out its retry
  // backoff (up to a minute) before using them.
  if (started_ && !bootstrapped_ && !bootstrap_op_ && !cfg_.bootstrap.empty()) {
    bootstrap_attempt_ = 0;
    next_bootstrap_ms_ = clock_.now_ms();
  }
}

// Whether a node may enter our tables or lookups: never ourselves, never a nonsense
// address, and (as the Go node) only IDs that are BEP 42-secure for their address.
bool DhtNode::acceptable_node(const NodeId& id, const Endpoint& ep) {
  if (id == id_ || is_self(ep)) {
    ++stats_.self_contacts;
    return false;
  }
  if (ep.port == 0 || ep.is_unspecified() || !family_enabled(ep.family)) return false;
  if (cfg_.enforce_bep42 && !bep42_id_valid(id, ep)) {
    ++stats_.bep42_rejected;
    return false;
  }
  return true;
}

Stats DhtNode::stats() const {
  Stats s = stats_;
  s.routing_table_v4 = table4_ ? table4_->size() : 0;
  s.routing_table_v6 = table6_ ? table6_->size() : 0;
  s.pending_requests = pending_.size();
  s.operations = ops_.size();
  s.peer_store_infohashes = peers_.infohash_count();
  s.peer_store_peers = peers_.peer_count();
  s.routing_table_bytes =
      (table4_ ? table4_->memory_bytes() : 0) + (table6_ ? table6_->memory_bytes() : 0);
  return s;
}

int64_t DhtNode::bootstrap_delay_ms(int attempt, int64_t base_ms, int64_t max_ms, Random& rng) {
  int64_t d = base_ms;
  for (int i = 0; i < attempt && d < max_ms; ++i) d *= 2;
  d = std::min(d, max_ms);
  const double factor = 0.75 + 0.5 * rng.unit();
  return static_cast<int64_t>(std::llround(static_cast<double>(d) * factor));
}

// ---------------------------------------------------------------- sending

void DhtNode::send_message(const Message& m, const Endpoint& to) {
  std::string wire = encode_message(m);
  ++stats_.datagrams_out;
  stats_.bytes_out += wire.size();
  if (!transport_.send({reinterpret_cast<const uint8_t*>(wire.data()), wire.size()}, to))
    ++stats_.send_failures;
}

void DhtNode::reply_error(const std::string& tid, int code, const std::string& msg,
                          const Endpoint& to) {
  Message e = make_error(tid, code, msg);
  e.version = cfg_.client_version;
  send_message(e, to);
  ++stats_.errors_sent;
}

std::string DhtNode::new_tid() {
  // 4 random bytes: unguessable enough that an off-path attacker cannot inject replies
  // into our lookups, short enough to keep datagrams small.
  for (;;) {
    std::string t(4, '\0');
    rng_.fill({reinterpret_cast<uint8_t*>(t.data()), t.size()});
    if (!pending_.count(t)) return t;
  }
}

void DhtNode::send_query(Message& m, const Endpoint& to, Pending p, int64_t now) {
  m.tid = new_tid();
  m.version = cfg_.client_version;
  // BEP 32: ask for both families only when we can use both.
  if (cfg_.ipv4 && cfg_.ipv6 &&
      (m.query.method == Method::FindNode || m.query.method == Method::GetPeers)) {
    m.query.want_n4 = m.query.want_n6 = true;
  }
  p.to = to;
  p.deadline = now + cfg_.request_timeout_ms;
  pending_.emplace(m.tid, p);
  ++stats_.queries_out;
  send_message(m, to);
}

// ---------------------------------------------------------------- inbound

void DhtNode::on_datagram(std::span<const uint8_t> datagram, const Endpoint& from) {
  const int64_t now = clock_.now_ms();
  ++stats_.datagrams_in;
  stats_.bytes_in += datagram.size();
  if (datagram.size() > cfg_.max_datagram) {
    ++stats_.oversized_dropped;
  } else if (from.port == 0 || is_self(from)) {
    ++stats_.self_contacts;  // our own packet reflected back, or a spoofed source
  } else {
    Decoded d = decode_message(datagram, decode_limits_);
    if (!d.ok()) {
      ++stats_.malformed_dropped;
      // Error replies cost us bandwidth, so they are rate limited like queries.
      if (d.failure.reply_allowed && limiter_.allow(from, now))
        reply_error(d.failure.tid, d.failure.code, d.failure.reason, from);
    } else if (d.message->type == MessageType::Query) {
      if (!limiter_.allow(from, now))
        ++stats_.rate_limited;
      else
        handle_query(*d.message, from, now);
    } else {
      handle_reply(*d.message, from, now);
    }
  }
  advance(now);
  fire_callbacks(now);
}

void DhtNode::fill_nodes(Response& r, const NodeId& target, const Query& q, const Endpoint& from,
                         int64_t now) const {
  // BEP 32: "want" picks the families; without it, answer in the requester's family.
  const bool any_want = q.want_n4 || q.want_n6;
  const bool v4 = any_want ? q.want_n4 : from.is_v4();
  const bool v6 = any_want ? q.want_n6 : from.is_v6();
  if (v4 && table4_) r.nodes = table4_->closest(target, cfg_.table.k, now);
  if (v6 && table6_) r.nodes6 = table6_->closest(target, cfg_.table.k, now);
}

void DhtNode::handle_query(const Message& m, const Endpoint& from, int64_t now) {
  const Query& q = m.query;
  ++stats_.queries_in;
  if (q.id == id_) {
    ++stats_.self_contacts;  // a copy of ourselves, or someone using our ID
    return;
  }
  // Known nodes get their "queried us" timestamp refreshed. A stranger is not added
  // straight away: it may be behind a NAT that drops our queries, so it must first answer
  // a ping (which only happens when the table has room for it).
  if (!q.read_only && family_enabled(from.family)) {
    RoutingTable* t = table_mut(from.family);
    if (t->find(q.id)) {
      t->queried_by(q.id, from, now);
    } else if (t->would_accept(q.id, now) && acceptable_node(q.id, from)) {
      queue_ping(from, q.id);
    }
  }

  Message r = make_response(m.tid, id_);
  r.version = cfg_.client_version;
  r.ip = from;  // BEP 42: tell the requester its external address
  switch (q.method) {
    case Method::Ping:
      ++stats_.ping_in;
      break;
    case Method::FindNode:
      ++stats_.find_node_in;
      fill_nodes(r.response, q.target, q, from, now);
      break;
    case Method::GetPeers:
      ++stats_.get_peers_in;
      r.response.token = tokens_.mint(from, now);
      r.response.values =
          peers_.get(q.info_hash, from.family, cfg_.max_values_per_reply, now, rng_);
      // Nodes too, even with values: it lets the asker keep converging (as libtorrent).
      fill_nodes(r.response, q.info_hash, q, from, now);
      break;
    case Method::AnnouncePeer: {
      ++stats_.announce_in;
      if (!tokens_.validate(q.token, from, now)) {
        ++stats_.bad_tokens;
        reply_error(m.tid, kErrProtocol, "bad token", from);
        return;
      }
      Endpoint peer = from;
      peer.port = q.implied_port ? from.port : q.port;
      if (peer.port == 0) {
        reply_error(m.tid, kErrProtocol, "bad port", from);
        return;
      }
      peers_.announce(q.info_hash, peer, now);
      ++stats_.peers_stored;
      break;
    }
    case Method::Unknown:
      reply_error(m.tid, kErrMethodUnknown, "unknown method", from);
      return;
  }
  send_message(r, from);
  ++stats_.responses_out;
}

void DhtNode::handle_reply(const Message& m, const Endpoint& from, int64_t now) {
  auto it = pending_.find(m.tid);
  // Replies must come from the address we asked: otherwise anyone who guesses a tid
  // could feed our lookups.
  if (it == pending_.end() || it->second.to != from) {
    ++stats_.unexpected_responses;
    return;
  }
  const Pending p = it->second;
  pending_.erase(it);
  if (p.kind == RpcKind::Ping) --pings_in_flight_;

  Operation* op = nullptr;
  if (p.op) {
    auto oit = ops_.find(p.op);
    if (oit != ops_.end()) op = &oit->second;
  }

  if (m.type == MessageType::Error) {
    ++stats_.errors_in;
    // An error reply proves the node is alive, so the routing table is left alone.
    if (op && p.kind == RpcKind::LookupQuery && op->phase == Phase::Lookup)
      op->lookups[p.lookup].on_error(p.slot);
    if (op && p.kind == RpcKind::Announce && op->announce_pending) --op->announce_pending;
    return;
  }

  ++stats_.responses_in;
  // BEP 42: the responder tells us the address it saw. Only replies to our own queries
  // (matched above by tid and address) get a vote.
  if (m.ip) external_.record(*m.ip, from, now);
  const Response& r = m.response;
  RoutingTable* t = table_mut(from.family);
  bool ok = true;
  if (r.id == id_) {
    // We queried ourselves (e.g. our public address came back in a nodes list).
    ++stats_.self_contacts;
    add_self_endpoint(from);
    ok = false;
  } else if (p.expected && *p.expected != r.id) {
    // Someone else now lives at that address: the old entry is stale.
    if (t) t->failed(*p.expected, p.to, now);
    ok = false;
  } else if (t && acceptable_node(r.id, from)) {
    learn(r.id, from, now);
  }

  if (!op) return;
  if (p.kind == RpcKind::Announce) {
    if (op->announce_pending) --op->announce_pending;
    if (ok) {
      ++op->result.announced;
      ++stats_.announces_acked;
    }
    return;
  }
  if (p.kind != RpcKind::LookupQuery || op->phase != Phase::Lookup) return;
  Lookup& lk = op->lookups[p.lookup];
  if (!ok) {
    lk.on_error(p.slot);
    return;
  }
  // Only nodes of the lookup's family that we would accept anyway (BEP 42, not us).
  Response filtered;
  filtered.id = r.id;
  filtered.token = r.token;
  filtered.values = r.values;
  const auto& src = op->families[p.lookup] == Family::V4 ? r.nodes : r.nodes6;
  for (const auto& n : src)
    if (acceptable_node(n.id, n.ep)) filtered.nodes.push_back(n);
  const size_t before = lk.values().size();
  lk.on_response(p.slot, filtered);
  if (lk.values().size() > before && op->result.first_peer_ms < 0)
    op->result.first_peer_ms = now - op->started_ms;
}

void DhtNode::learn(const NodeId& id, const Endpoint& ep, int64_t now) {
  RoutingTable* t = table_mut(ep.family);
  if (!t) return;
  auto res = t->heard_from(id, ep, true, now);
  // Bucket full of nodes we have not heard from lately: ping the stalest; if it is dead,
  // the newcomer (now in the replacement cache) takes its place.
  if (res.outcome == RoutingTable::Outcome::Cached && res.ping)
    queue_ping(res.ping->ep, res.ping->id);
}

void DhtNode::queue_ping(const Endpoint& ep, const std::optional<NodeId>& id) {
  if (ping_queue_.size() >= cfg_.ping_queue_limit) return;
  for (const auto& q : ping_queue_)
    if (q.ep == ep) return;
  for (const auto& [tid, p] : pending_)
    if (p.kind == RpcKind::Ping && p.to == ep) return;
  ping_queue_.push_back({ep, id});
}

// ---------------------------------------------------------------- operations

OperationId DhtNode::start_operation(OpKind kind, const InfoHash& target, uint16_t port,
                                     std::optional<Family> only, LookupCallback cb, int64_t now) {
  if (ops_.size() >= cfg_.max_operations) return 0;
  const OperationId id = next_op_++;
  Operation op;
  op.kind = kind;
  op.target = target;
  op.port = port;
  op.started_ms = now;
  op.cb = std::move(cb);
  const LookupKind lk = (kind == OpKind::GetPeers || kind == OpKind::Announce)
                            ? LookupKind::GetPeers
                            : LookupKind::FindNode;
  for (Family f : {Family::V4, Family::V6}) {
    RoutingTable* t = table_mut(f);
    if (!t || (only && *only != f)) continue;
    Lookup l(lk, target, cfg_.lookup, now);
    for (const auto& n : t->closest(target, cfg_.lookup.k * 2, now)) l.add_candidate(n.id, n.ep);
    // Routers are only worth a query while our own table is thin (and they see every
    // bootstrap of every client, so we spare them when we can).
    if (t->good_count(now) < cfg_.table.k)
      for (const auto& b : cfg_.bootstrap)
        if (b.family == f && !is_self(b)) l.add_candidate(std::nullopt, b);
    op.lookups.push_back(std::move(l));
    op.families.push_back(f);
  }
  if (lk == LookupKind::GetPeers) {
    // Peers announced directly to us count too.
    for (Family f : {Family::V4, Family::V6})
      for (const auto& v : peers_.get(target, f, cfg_.lookup.max_values, now, rng_))
        op.result.peers.push_back(v);
    if (!op.result.peers.empty()) op.result.first_peer_ms = 0;
  }
  ++stats_.lookups_started;
  ops_.emplace(id, std::move(op));
  return id;
}

OperationId DhtNode::announce(const InfoHash& ih, uint16_t port, LookupCallback cb) {
  const int64_t now = clock_.now_ms();
  OperationId id = start_operation(OpKind::Announce, ih, port, std::nullopt, std::move(cb), now);
  if (id) advance(now);  // send the first queries right away; callbacks wait for the loop
  return id;
}

OperationId DhtNode::get_peers(const InfoHash& ih, LookupCallback cb) {
  const int64_t now = clock_.now_ms();
  OperationId id = start_operation(OpKind::GetPeers, ih, 0, std::nullopt, std::move(cb), now);
  if (id) advance(now);
  return id;
}

void DhtNode::cancel(OperationId op) {
  if (op == bootstrap_op_ || op == refresh_op_) return;  // internal, not the caller's
  ops_.erase(op);  // in-flight replies find no operation and only feed the routing table
}

void DhtNode::advance_operation(OperationId id, Operation& op, int64_t now) {
  if (op.phase == Phase::Lookup) {
    bool all_done = true;
    for (size_t li = 0; li < op.lookups.size(); ++li) {
      Lookup& l = op.lookups[li];
      if (l.done(now)) continue;
      for (const auto& req : l.next_requests()) {
        Message q = make_query(
            {}, l.kind() == LookupKind::GetPeers ? Method::GetPeers : Method::FindNode, id_);
        q.query.target = op.target;
        q.query.info_hash = op.target;
        Pending p;
        p.kind = RpcKind::LookupQuery;
        p.expected = req.id;
        p.op = id;
        p.lookup = li;
        p.slot = req.slot;
        send_query(q, req.ep, p, now);
      }
      // Not done after topping up means something is in flight: wait for it.
      if (!l.done(now)) all_done = false;
    }
    if (all_done) finish_lookups(id, op, now);
  }
  if (op.phase == Phase::Announcing && op.announce_pending == 0) op.phase = Phase::Finished;
}

void DhtNode::finish_lookups(OperationId id, Operation& op, int64_t now) {
  for (const auto& l : op.lookups) {
    op.result.queries += l.queries_sent();
    op.result.responses += l.responses();
    if (now >= l.deadline_ms()) op.result.hit_deadline = true;
    for (const auto& v : l.values())
      if (std::find(op.result.peers.begin(), op.result.peers.end(), v) == op.result.peers.end())
        op.result.peers.push_back(v);
  }
  if (op.kind != OpKind::Announce) {
    op.phase = Phase::Finished;
    return;
  }
  op.phase = Phase::Announcing;
  for (const auto& l : op.lookups) {
    for (const auto& h : l.token_holders()) {
      Message q = make_query({}, Method::AnnouncePeer, id_);
      q.query.info_hash = op.target;
      q.query.token = h.token;
      q.query.port = op.port;
      q.query.implied_port = false;  // spec §3.1: Go nodes must get the control port
      Pending p;
      p.kind = RpcKind::Announce;
      p.expected = h.id;
      p.op = id;
      send_query(q, h.ep, p, now);
      ++op.announce_pending;
      ++op.result.announce_targets;
      ++stats_.announces_sent;
    }
  }
}

void DhtNode::on_rpc_timeout(const Pending& p, int64_t now) {
  ++stats_.timeouts;
  if (p.kind == RpcKind::Ping) --pings_in_flight_;
  if (p.expected)
    if (RoutingTable* t = table_mut(p.to.family)) t->failed(*p.expected, p.to, now);
  if (!p.op) return;
  auto it = ops_.find(p.op);
  if (it == ops_.end()) return;
  Operation& op = it->second;
  if (p.kind == RpcKind::LookupQuery && op.phase == Phase::Lookup)
    op.lookups[p.lookup].on_timeout(p.slot);
  else if (p.kind == RpcKind::Announce && op.announce_pending)
    --op.announce_pending;
}

void DhtNode::advance(int64_t now) {
  // 1. Expire requests. Collect first: the handlers may send (and so add to pending_).
  std::vector<Pending> expired;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.deadline <= now) {
      expired.push_back(it->second);
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& p : expired) on_rpc_timeout(p, now);

  // 2. Internal work that may start operations.
  maintenance(now);

  // 3. Drive operations.
  for (auto& [id, op] : ops_) advance_operation(id, op, now);

  // 4. Verification pings.
  while (pings_in_flight_ < cfg_.max_pending_pings && !ping_queue_.empty()) {
    PingRequest pr = ping_queue_.front();
    ping_queue_.pop_front();
    if (!family_enabled(pr.ep.family)) continue;
    Message q = make_query({}, Method::Ping, id_);
    Pending p;
    p.kind = RpcKind::Ping;
    p.expected = pr.id;
    send_query(q, pr.ep, p, now);
    ++pings_in_flight_;
  }
}

void DhtNode::maintenance(int64_t now) {
  tokens_.maybe_rotate(now);
  if (now >= next_expiry_ms_) {
    peers_.expire(now);
    next_expiry_ms_ = now + kPeerExpiryIntervalMs;
  }
  if (!started_) return;

  // A node that was bootstrapped but lost every live contact starts over (spec §3.2
  // improvement: a table full of dead nodes must not keep us off the DHT).
  if (bootstrapped_) {
    size_t live = 0;
    for (Family f : {Family::V4, Family::V6})
      if (const RoutingTable* t = table(f)) live += t->confirmed_count();
    if (live == 0) {
      bootstrapped_ = false;
      bootstrap_attempt_ = 0;
      if (!bootstrap_op_) next_bootstrap_ms_ = now;
    }
  }

  if (!bootstrap_op_ && now >= next_bootstrap_ms_) {
    // Target: our own ID. It is random per start (never the static network ID, which
    // would fingerprint the mesh, spec §3.2) and fills the buckets nearest to us.
    ++stats_.bootstrap_attempts;
    next_bootstrap_ms_ = INT64_MAX;
    bootstrap_op_ = start_operation(OpKind::Bootstrap, id_, 0, std::nullopt, nullptr, now);
    if (!bootstrap_op_) next_bootstrap_ms_ = now + cfg_.bootstrap_base_delay_ms;
  }

  if (bootstrapped_ && !refresh_op_) {
    for (Family f : {Family::V4, Family::V6}) {
      RoutingTable* t = table_mut(f);
      if (!t || now < t->next_refresh_ms()) continue;
      if (auto target = t->take_refresh_target(now, rng_)) {
        refresh_op_ = start_operation(OpKind::Refresh, *target, 0, f, nullptr, now);
        break;
      }
    }
  }
}

void DhtNode::on_bootstrap_finished(int64_t now) {
  size_t live = 0;
  for (Family f : {Family::V4, Family::V6})
    if (const RoutingTable* t = table(f)) live += t->confirmed_count();
  if (live > 0) {
    bootstrapped_ = true;
    bootstrap_attempt_ = 0;
    return;
  }
  // Nobody answered: retry with backoff. With no reachable router this settles at one
  // small lookup a minute, quietly.
  next_bootstrap_ms_ = now + bootstrap_delay_ms(bootstrap_attempt_++, cfg_.bootstrap_base_delay_ms,
                                                cfg_.bootstrap_max_delay_ms, rng_);
}

void DhtNode::fire_callbacks(int64_t now) {
  std::vector<Operation> finished;
  for (auto it = ops_.begin(); it != ops_.end();) {
    if (it->second.phase != Phase::Finished) {
      ++it;
      continue;
    }
    ++stats_.lookups_finished;
    if (it->first == bootstrap_op_) {
      bootstrap_op_ = 0;
      on_bootstrap_finished(now);
    }
    if (it->first == refresh_op_) refresh_op_ = 0;
    it->second.result.elapsed_ms = now - it->second.started_ms;
    finished.push_back(std::move(it->second));
    it = ops_.erase(it);
  }
  // Callbacks last: they may start new operations.
  for (auto& op : finished)
    if (op.cb) op.cb(op.result);
  if (!finished.empty()) advance(now);  // start what the callbacks asked for
}

void DhtNode::on_timer() {
  const int64_t now = clock_.now_ms();
  advance(now);
  fire_callbacks(now);
}

int64_t DhtNode::next_deadline() const {
  int64_t t = std::min(next_expiry_ms_, tokens_.next_rotation_ms());
  for (const auto& [tid, p] : pending_) t = std::min(t, p.deadline);
  const int64_t now = clock_.now_ms();
  for (const auto& [id, op] : ops_) {
    if (op.phase == Phase::Finished) return now;
    if (op.phase == Phase::Lookup)
      for (const auto& l : op.lookups) t = std::min(t, l.deadline_ms());
  }
  if (started_) {
    t = std::min(t, next_bootstrap_ms_);
    if (bootstrapped_ && !refresh_op_)
      for (Family f : {Family::V4, Family::V6})
        if (const RoutingTable* tb = table(f)) t = std::min(t, tb->next_refresh_ms());
  }
  if (!ping_queue_.empty() && pings_in_flight_ < cfg_.max_pending_pings) t = std::min(t, now);
  return std::max(t, now);
}

void DhtNode::start() {
  if (started_) return;
  started_ = true;
  next_bootstrap_ms_ = clock_.now_ms();
  on_timer();
}

// ---------------------------------------------------------------- persistence

std::vector<NodeInfo> DhtNode::nodes_snapshot() const {
  std::vector<NodeInfo> out;
  const int64_t now = clock_.now_ms();
  for (Family f : {Family::V4, Family::V6}) {
    const RoutingTable* t = table(f);
    if (!t) continue;
    for (const auto& e : t->entries())
      if (t->state(e, now) != NodeState::Bad) out.push_back({e.id, e.ep});
  }
  return out;
}

void DhtNode::restore_nodes(std::span<const NodeInfo> nodes) {
  const int64_t now = clock_.now_ms();
  for (const auto& n : nodes) {
    if (!family_enabled(n.ep.family) || n.ep.port == 0 || is_self(n.ep)) continue;
    if (n.id.is_zero()) {
      queue_ping(n.ep, std::nullopt);
      continue;
    }
    if (!acceptable_node(n.id, n.ep)) continue;
    auto res = table_mut(n.ep.family)->heard_from(n.id, n.ep, false, now);
    if (res.outcome == RoutingTable::Outcome::Added) queue_ping(n.ep, n.id);
  }
}

}  // namespace wgmesh::dht
