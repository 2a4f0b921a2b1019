#include "plugin/dht_plugin.h"

#include <netinet/in.h>

#include <algorithm>
#include <utility>

#include "logic/resolve.h"
#include "logic/value_filter.h"
#include "plugin/host_work.h"
#include "plugin/tickets.h"
#include "wgmesh/dht/nodes_file.h"

namespace wgmesh::dht::plugin {

namespace {

constexpr const char* kLabel = "dht";
constexpr int kDhtRank = 70;                   // discovery.md §2.5
constexpr uint32_t kExchangeTimeoutMs = 4000;  // the original's exchange timeout (§4.3)
constexpr int64_t kSaveIntervalMs = 5 * 60 * 1000;
constexpr size_t kMaxDatagram = 8192;
constexpr int64_t kMetricsIntervalMs = 1000;
// The timer never sleeps longer than this: the hour change is computed from the wall clock,
// which can jump (NTP, suspend), and must still be noticed promptly.
constexpr int64_t kMaxSleepMs = 30000;
constexpr int64_t kLogThrottleMs = 60000;
constexpr size_t kMaxFoundKeys = 4096;
// A failed resolution (no DNS yet, offline) is retried quietly: 30 s, 60 s, ... 10 min.
constexpr int64_t kResolveRetryBaseMs = 30000;
constexpr int64_t kResolveRetryMaxMs = 10 * 60 * 1000;

std::optional<uint16_t> parse_port(const std::string& text) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  unsigned long v = std::stoul(text);
  if (v == 0 || v > 65535) return std::nullopt;
  return static_cast<uint16_t>(v);
}

GateLimits gate_limits(const DhtPluginConfig& c) {
  GateLimits l;
  l.per_minute = c.max_exchanges_per_minute;
  return l;
}

ScheduleConfig schedule_config(const DhtPluginConfig& c) {
  ScheduleConfig s;
  s.query_interval_ms = static_cast<int64_t>(c.query_interval_ms);
  s.announce_interval_ms = static_cast<int64_t>(c.announce_interval_ms);
  s.save_interval_ms = kSaveIntervalMs;
  return s;
}

}  // namespace

// ---- creation ------------------------------------------------------------------------------

int DhtPlugin::create(const wgm_host_api* host, wgm_ctx* ctx, std::unique_ptr<DhtPlugin>& out) {
  if (!host || host->abi_major != WGMESH_ABI_MAJOR || !WGM_HOST_HAS(host, gauge_set))
    return WGM_ERR_UNSUPPORTED;
  DhtPluginConfig config;
  std::string error;
  std::string json = wgm::fetch_json(host, &wgm_host_api::config_json, ctx);
  if (!parse_dht_config(json.empty() ? "{}" : json, config, error)) {
    host->log(ctx, WGM_LOG_ERROR, ("invalid configuration: " + error).c_str());
    return WGM_ERR_INVALID;
  }
  auto port_text = wgm::key_text(host, ctx, "gossip_port");
  auto gossip_port = port_text ? parse_port(*port_text) : std::nullopt;
  auto tag = wgm::key_text(host, ctx, "network_id_tag");
  if (!gossip_port || !tag) {
    host->log(ctx, WGM_LOG_ERROR,
              "cannot get the gossip port and network ID tag from the host (is a mesh secret "
              "configured?)");
    return WGM_ERR_STATE;
  }
  NodeSettings settings =
      parse_node_settings(wgm::fetch_json(host, &wgm_host_api::node_settings_json, ctx));
  const char* dir = host->state_dir(ctx);
  auto nodes_path = nodes_file_path(dir ? dir : "", settings.interface, *tag, error);
  if (!nodes_path) {
    // Not fatal: the DHT works without a warm start.
    wgm::logf(host, ctx, WGM_LOG_WARN, "no nodes file: %s", error.c_str());
    nodes_path = std::string();
  }
  int rc = host->peer_register_source(ctx, kLabel, kDhtRank, WGM_SOURCE_DIRECT);
  if (rc != WGM_OK) {
    wgm::logf(host, ctx, WGM_LOG_ERROR, "cannot register the \"dht\" peer source (status %d)", rc);
    return rc;
  }
  out = std::make_unique<DhtPlugin>(Token{}, host, ctx, std::move(config), std::move(settings),
                                    *gossip_port, std::move(*nodes_path));
  rc = host->rpc_register(ctx, "dht.stats",
                          "DHT node and discovery statistics (routing table, queries, drops, "
                          "exchanges)",
                          &DhtPlugin::on_rpc_stats_cb, out.get());
  if (rc == WGM_OK)
    rc = host->rpc_register(ctx, "dht.lookup",
                            "get_peers lookup for {\"info_hash\":\"<40 hex>\"}; returns the "
                            "peers found and the lookup's timing",
                            &DhtPlugin::on_rpc_lookup_cb, out.get());
  if (rc != WGM_OK) {
    wgm::logf(host, ctx, WGM_LOG_ERROR, "cannot register the dht RPC methods (status %d)", rc);
    out.reset();
    return rc;
  }
  return WGM_OK;
}

DhtPlugin::DhtPlugin(Token, const wgm_host_api* host, wgm_ctx* ctx, DhtPluginConfig config,
                     NodeSettings settings, uint16_t gossip_port, std::string nodes_path)
    : host_(host),
      ctx_(ctx),
      config_(std::move(config)),
      settings_(std::move(settings)),
      gossip_port_(gossip_port),
      nodes_path_(std::move(nodes_path)),
      clock_(host, ctx),
      transport_(host, ctx),
      schedule_(schedule_config(config_), rng_),
      gate_(gate_limits(config_), clock_.now_ms()) {}

DhtPlugin::~DhtPlugin() {
  stop();
  Tickets::revoke_all(this);
}

// ---- start / stop --------------------------------------------------------------------------

int DhtPlugin::open_sockets() {
  // The original binds gossip_port + 1 and falls back to any free port (§3.1).
  const uint16_t wanted = config_.port ? config_.port : static_cast<uint16_t>(gossip_port_ + 1);
  const bool bind_v6 = config_.bind.find(':') != std::string::npos;
  const bool want_v4 = !bind_v6;
  const bool want_v6 = !settings_.no_ipv6 && (config_.bind.empty() || bind_v6);
  auto open = [&](wgm::UdpHandle& h, int family, uint16_t port) {
    wgm_udp_options o{};
    o.struct_size = sizeof o;
    o.family = family;
    o.bind_addr = config_.bind.empty() ? nullptr : config_.bind.c_str();
    // The families stay apart (BEP 32: one routing table each), so the IPv6 socket is
    // IPv6-only and can use the same port number as the IPv4 one.
    o.flags = family == AF_INET6 ? WGM_UDP_V6ONLY : 0;
    o.port = port;
    int rc = h.open(host_, ctx_, o, &DhtPlugin::on_datagram_cb, this);
    if (rc != WGM_OK && port != 0) {
      o.port = 0;  // busy (another mesh on this machine): any port, as the original
      rc = h.open(host_, ctx_, o, &DhtPlugin::on_datagram_cb, this);
    }
    return rc;
  };
  int rc4 = want_v4 ? open(sock4_, AF_INET, wanted) : WGM_ERR_UNSUPPORTED;
  const uint16_t v6_port = sock4_ ? static_cast<uint16_t>(sock4_.port()) : wanted;
  int rc6 = want_v6 ? open(sock6_, AF_INET6, v6_port) : WGM_ERR_UNSUPPORTED;
  if (!sock4_ && !sock6_) {
    wgm::logf(host_, ctx_, WGM_LOG_ERROR, "cannot open a DHT socket on port %u (status %d/%d)",
              static_cast<unsigned>(wanted), rc4, rc6);
    return rc4 != WGM_ERR_UNSUPPORTED ? rc4 : rc6;
  }
  if (want_v6 && !sock6_)
    host_->log(ctx_, WGM_LOG_DEBUG, "no IPv6 DHT socket (no IPv6 here?); IPv4 only");
  if (sock4_ && sock4_.port() != wanted)
    wgm::logf(host_, ctx_, WGM_LOG_INFO, "port %u is busy; the DHT uses port %d",
              static_cast<unsigned>(wanted), sock4_.port());
  transport_.set_sockets(sock4_.get(), sock6_.get());
  return WGM_OK;
}

void DhtPlugin::create_node() {
  DhtConfig cfg;
  // Replies from other implementations can exceed the core's 2 KB default (npm
  // bittorrent-dht sends 70+ nodes, ~1.9 KB, and IPv6 doubles that); decoding stays bounded
  // by the item limits, so only the read buffer grows.
  cfg.max_datagram = kMaxDatagram;
  cfg.ipv4 = static_cast<bool>(sock4_);
  cfg.ipv6 = static_cast<bool>(sock6_);
  cfg.bootstrap = numeric_endpoints(config_.bootstrap);
  // Our own sockets: every local address with our port, so a nodes list that mentions us
  // (e.g. our LAN address) never makes us query ourselves.
  for (const auto& ip : local_interface_ips()) {
    Endpoint ep = ip;
    ep.port = static_cast<uint16_t>(ip.is_v4() ? sock4_.port() : sock6_.port());
    if (ep.port) cfg.self_endpoints.push_back(ep);
  }
  node_ = std::make_unique<DhtNode>(std::move(cfg), transport_, clock_, rng_);
}

void DhtPlugin::restore_nodes() {
  if (nodes_path_.empty()) return;
  auto loaded = load_nodes_file(nodes_path_);
  if (!loaded) {
    // A corrupt file is a lost warm start, not a reason to stop: it is rewritten at the
    // next save.
    wgm::logf(host_, ctx_, WGM_LOG_WARN, "ignoring the nodes file: %s", loaded.message().c_str());
    return;
  }
  if (loaded->empty()) return;
  node_->restore_nodes(*loaded);
  counters_.nodes_restored += loaded->size();
  wgm::logf(host_, ctx_, WGM_LOG_INFO, "restored %zu DHT nodes from %s", loaded->size(),
            nodes_path_.c_str());
}

int DhtPlugin::start() {
  if (started_) return WGM_OK;
  int rc = open_sockets();
  if (rc != WGM_OK) return rc;
  create_node();
  restore_nodes();
  started_ = true;
  was_bootstrapped_ = false;
  node_->start();
  schedule_.start(now());
  refresh_self();
  const size_t numeric = numeric_endpoints(config_.bootstrap).size();
  std::string routers;
  for (const auto& b : config_.bootstrap) routers += (routers.empty() ? "" : ", ") + b.to_string();
  wgm::logf(host_, ctx_, WGM_LOG_INFO,
            "DHT node on udp/%d%s, announcing gossip port %u; bootstrap: %s%s", sock4_.port(),
            sock6_ ? " (IPv4 + IPv6)" : "", static_cast<unsigned>(gossip_port_),
            routers.empty() ? "none (nodes file and incoming contacts only)" : routers.c_str(),
            config_.bootstrap_is_default ? " (default public routers)" : "");
  if (has_names(config_.bootstrap))
    resolve_at_ = now();
  else
    routers_resolved_ = numeric;
  tick();
  return WGM_OK;
}

void DhtPlugin::stop() {
  if (!started_) return;
  timer_.stop();
  timer_due_ = INT64_MAX;
  save_nodes_now();  // at stop, synchronously: the loop is shutting down anyway
  publish_metrics(true);
  fail_pending_rpcs("the dht plugin stopped");
  // Exchanges and jobs still running in the host will call back into nothing.
  Tickets::revoke_all(this);
  exchanges_.clear();
  node_.reset();
  transport_.set_sockets(nullptr, nullptr);
  sock4_.close();
  sock6_.close();
  started_ = false;
}

// ---- bootstrap names -------------------------------------------------------------------------

void DhtPlugin::resolve_bootstrap() {
  resolve_at_ = INT64_MAX;
  if (resolve_in_flight_) return;
  auto result = std::make_shared<Resolved>();  // written by the worker, read on the loop
  int rc = submit_work(
      host_, ctx_, this,
      [entries = config_.bootstrap, result] { *result = resolve_names(entries); },
      [this, result] {
        wgm::guarded(host_, ctx_, [&] {
          resolve_in_flight_ = false;
          if (!started_) return 0;
          auto all = numeric_endpoints(config_.bootstrap);
          all.insert(all.end(), result->endpoints.begin(), result->endpoints.end());
          routers_resolved_ = all.size();
          node_->set_bootstrap(std::move(all));
          on_resolved(result->endpoints.size(), result->failures);
          tick();
          return 0;
        });
      });
  if (rc == WGM_OK) {
    resolve_in_flight_ = true;
  } else {
    on_resolved(0, {"cannot queue the DNS lookup (status " + std::to_string(rc) + ")"});
  }
}

void DhtPlugin::on_resolved(size_t endpoints, const std::vector<std::string>& failures) {
  counters_.resolve_failures += failures.size();
  std::string why;
  for (const auto& f : failures) why += (why.empty() ? "" : "; ") + f;
  if (endpoints > 0) {
    resolve_attempts_ = 0;
    wgm::logf(host_, ctx_, failures.empty() ? WGM_LOG_DEBUG : WGM_LOG_INFO,
              "bootstrap routers: %zu addresses%s%s", endpoints, failures.empty() ? "" : "; ",
              why.c_str());
    return;
  }
  // Nothing resolved (no DNS, offline, LAN-only): keep running on the nodes file and
  // incoming contacts, and try again later without noise.
  const int64_t delay =
      std::min(kResolveRetryMaxMs, kResolveRetryBaseMs << std::min(resolve_attempts_, 10));
  ++resolve_attempts_;
  resolve_at_ = now() + delay;
  throttled_log("resolve", WGM_LOG_INFO,
                "no bootstrap router resolved (" + why +
                    "); the DHT keeps running and retries in " + std::to_string(delay / 1000) +
                    " s");
}

// ---- the loop --------------------------------------------------------------------------------

void DhtPlugin::on_datagram_cb(void* user, const uint8_t* data, size_t len, const sockaddr* from,
                               socklen_t from_len) {
  auto* self = static_cast<DhtPlugin*>(user);
  wgm::guarded(self->host_, self->ctx_, [&] {
    if (!self->started_ || !self->node_) return 0;
    if (auto ep = from_sockaddr(from, from_len)) self->node_->on_datagram({data, len}, *ep);
    self->tick();
    return 0;
  });
}

void DhtPlugin::on_timer_cb(void* user) {
  auto* self = static_cast<DhtPlugin*>(user);
  wgm::guarded(self->host_, self->ctx_, [&] {
    self->timer_due_ = INT64_MAX;  // the one-shot fired; arm_timer() must start a new one
    if (!self->started_ || !self->node_) return 0;
    self->node_->on_timer();
    self->tick();
    return 0;
  });
}

void DhtPlugin::tick() {
  if (!started_ || !node_) return;
  // Re-entrancy: a host call made from here could, in some host, call back synchronously.
  if (in_tick_) {
    tick_again_ = true;
    return;
  }
  in_tick_ = true;
  do {
    tick_again_ = false;
    const int64_t t = now();
    const bool bootstrapped = node_->is_bootstrapped();
    if (bootstrapped && !was_bootstrapped_) {
      const Stats s = node_->stats();
      wgm::logf(host_, ctx_, WGM_LOG_INFO, "DHT bootstrapped: %zu nodes in the routing table",
                s.routing_table_v4 + s.routing_table_v6);
      schedule_.bootstrapped(t, announce_round_thin_);
    }
    was_bootstrapped_ = bootstrapped;
    // After the first rounds at start, rounds wait for DHT contacts: without any they would
    // only re-ask the routers, which the node's bootstrap retry already does (with backoff).
    schedule_.hold(!bootstrapped && counters_.announce_rounds > 0 && counters_.query_rounds > 0);
    const int64_t hour = hour_now();
    if (schedule_.announce_due(t, hour)) start_announce_round(t, hour);
    if (schedule_.query_due(t)) start_query_round(t);
    if (schedule_.save_due(t)) save_nodes_async(t);
    if (resolve_at_ <= t) resolve_bootstrap();
    start_exchanges(t);
    publish_metrics(false);
  } while (tick_again_);
  in_tick_ = false;
  arm_timer();
}

void DhtPlugin::arm_timer() {
  if (!started_ || !node_) return;
  const int64_t t = now();
  int64_t due =
      std::min({node_->next_deadline(), schedule_.next_due(t, ms_to_next_hour()), gate_.next_due(t),
                resolve_at_, metrics_pending_ ? metrics_at_ + kMetricsIntervalMs : INT64_MAX});
  due = std::clamp(due, t, t + kMaxSleepMs);
  if (due == timer_due_ && timer_.running()) return;  // already armed for exactly that
  timer_.start(host_, ctx_, static_cast<uint64_t>(due - t), 0, &DhtPlugin::on_timer_cb, this);
  timer_due_ = timer_.running() ? due : INT64_MAX;
  if (!timer_.running())
    throttled_log("timer", WGM_LOG_ERROR, "cannot start a timer; the DHT is stalled");
}

int64_t DhtPlugin::hour_now() const { return host_->wall_ms(ctx_) / 1000 / 3600; }

int64_t DhtPlugin::ms_to_next_hour() const {
  const int64_t ms = host_->wall_ms(ctx_);
  return 3600 * 1000 - ms % (3600 * 1000);
}

bool DhtPlugin::infohashes(InfoHash& current, InfoHash& previous) {
  const int64_t s = host_->wall_ms(ctx_) / 1000;
  return host_->hourly_infohash(ctx_, s, current.bytes.data()) == WGM_OK &&
         host_->hourly_infohash(ctx_, s - 3600, previous.bytes.data()) == WGM_OK;
}

// ---- announce and query rounds ----------------------------------------------------------------

void DhtPlugin::start_announce_round(int64_t t, int64_t hour) {
  schedule_.announce_started(hour);
  ++counters_.announce_rounds;
  announce_pending_ = 0;
  announce_round_acks_ = 0;
  announce_started_ms_ = t;
  announce_round_thin_ = !node_->is_bootstrapped();
  InfoHash cur, prev;
  if (!infohashes(cur, prev)) {
    throttled_log("infohash", WGM_LOG_ERROR, "the host gives no hourly infohash; not announcing");
  } else {
    // Both hours, port = gossip port, no implied_port: Go nodes contact that port (§3.1).
    for (const InfoHash& ih : {cur, prev}) {
      OperationId op =
          node_->announce(ih, gossip_port_, [this](const LookupResult& r) { on_announce_done(r); });
      if (op)
        ++announce_pending_;
      else
        ++counters_.lookups_refused;
    }
  }
  if (announce_pending_ == 0) schedule_.announce_finished(t, 0);
}

void DhtPlugin::on_announce_done(const LookupResult& r) {
  announce_round_acks_ += r.announced;
  take_values(r);  // the same infohash: its values are as good as a query's
  if (announce_pending_ == 0 || --announce_pending_ > 0) return;
  const int64_t t = now();
  last_announce_ms_ = t - announce_started_ms_;
  counters_.announce_acks += announce_round_acks_;
  schedule_.announce_finished(t, announce_round_acks_);
  if (announce_round_acks_ > 0 && !first_announce_logged_) {
    first_announce_logged_ = true;
    wgm::logf(host_, ctx_, WGM_LOG_INFO, "announced the hourly infohash (%zu acks, %lld ms)",
              announce_round_acks_, static_cast<long long>(last_announce_ms_));
  } else if (announce_round_acks_ == 0) {
    throttled_log("announce", WGM_LOG_DEBUG, "nobody acknowledged our announce; retrying soon");
  }
}

void DhtPlugin::start_query_round(int64_t t) {
  schedule_.query_started();
  ++counters_.query_rounds;
  query_pending_ = 0;
  query_started_ms_ = t;
  refresh_self();
  InfoHash cur, prev;
  if (infohashes(cur, prev)) {
    for (const InfoHash& ih : {cur, prev}) {
      OperationId op = node_->get_peers(ih, [this](const LookupResult& r) { on_query_done(r); });
      if (op)
        ++query_pending_;
      else
        ++counters_.lookups_refused;
    }
  }
  if (query_pending_ == 0) schedule_.query_finished(t, host_->peer_count(ctx_, 0));
}

void DhtPlugin::on_query_done(const LookupResult& r) {
  take_values(r);
  if (query_pending_ == 0 || --query_pending_ > 0) return;
  const int64_t t = now();
  last_query_ms_ = t - query_started_ms_;
  // The original counts every stored peer, cached ones included (§3.4).
  schedule_.query_finished(t, host_->peer_count(ctx_, 0));
}

void DhtPlugin::take_values(const LookupResult& r) {
  refresh_self();  // BEP 42 votes may have arrived during the lookup
  const int64_t t = now();
  size_t n = 0;
  for (const auto& v : r.peers) {
    if (n++ == kMaxValuesPerLookup) {
      counters_.values_over_cap += r.peers.size() - kMaxValuesPerLookup;
      break;
    }
    consider_value(v, t);
  }
}

void DhtPlugin::consider_value(const Endpoint& value, int64_t t) {
  ++counters_.values_seen;
  switch (classify_value(value, gossip_port_, !settings_.no_ipv6, self_)) {
    case ValueVerdict::WrongPort:
      ++counters_.values_wrong_port;
      return;
    case ValueVerdict::Invalid:
      ++counters_.values_invalid;
      return;
    case ValueVerdict::FamilyOff:
      ++counters_.values_family_off;
      return;
    case ValueVerdict::Self:
      ++counters_.self_skipped;
      return;
    case ValueVerdict::Ok:
      break;
  }
  switch (gate_.offer(value, t)) {
    case ExchangeGate::Verdict::Queued:
      ++counters_.exchanges_queued;
      break;
    case ExchangeGate::Verdict::Duplicate:
      ++counters_.exchanges_deduplicated;
      break;
    case ExchangeGate::Verdict::Full:
      ++counters_.exchanges_dropped;
      break;
  }
}

void DhtPlugin::refresh_self() {
  self_.set(SelfSource::Interface, local_interface_ips());
  std::vector<Endpoint> bound;
  if (!config_.bind.empty())
    if (auto ep =
            Endpoint::parse(config_.bind.find(':') != std::string::npos ? "[" + config_.bind + "]:1"
                                                                        : config_.bind + ":1"))
      bound.push_back(*ep);
  self_.set(SelfSource::Bind, bound);
  self_.set(SelfSource::Endpoint, endpoint_host_ip(local_endpoint(wgm::fetch_json(
                                      host_, &wgm_host_api::local_node_json, ctx_))));
  if (node_) self_.set(SelfSource::Reported, node_->external_addresses(2));
}

// ---- exchanges -------------------------------------------------------------------------------

void DhtPlugin::start_exchanges(int64_t t) {
  for (const Endpoint& addr : gate_.take_ready(t)) {
    sockaddr_storage ss{};
    const socklen_t len = to_sockaddr(addr, ss);
    const uint64_t ticket = Tickets::issue(this);
    exchanges_.emplace(ticket, addr);  // before the call: a host may answer synchronously
    ++counters_.exchanges_started;
    const uint32_t flags = settings_.no_punching ? 0u : static_cast<uint32_t>(WGM_EXCHANGE_PUNCH);
    int rc = host_->control_exchange(ctx_, reinterpret_cast<const sockaddr*>(&ss), len, flags,
                                     kExchangeTimeoutMs, kLabel, &DhtPlugin::on_exchange_cb,
                                     Tickets::as_user(ticket));
    if (rc != WGM_OK && Tickets::redeem(ticket)) {
      exchanges_.erase(ticket);
      ++counters_.exchange_errors;
      gate_.finished(addr, false, t, rng_);
      throttled_log("exchange", WGM_LOG_WARN,
                    "the host refused an exchange with " + addr.to_string() + " (status " +
                        std::to_string(rc) + ")");
    }
  }
  counters_.exchange_retries = gate_.retries_scheduled();
}

void DhtPlugin::on_exchange_cb(void* user, int status, const char* json, size_t len) {
  const uint64_t ticket = Tickets::from_user(user);
  auto* self = static_cast<DhtPlugin*>(Tickets::redeem(ticket));
  if (!self) return;  // stopped meanwhile
  wgm::guarded(self->host_, self->ctx_, [&] {
    self->on_exchange_done(ticket, status, {json ? json : "", json ? len : 0});
    return 0;
  });
}

void DhtPlugin::on_exchange_done(uint64_t ticket, int status, std::string_view peer_json) {
  auto it = exchanges_.find(ticket);
  if (it == exchanges_.end()) return;
  const Endpoint addr = it->second;
  exchanges_.erase(it);
  const bool ok = status == WGM_OK;
  gate_.finished(addr, ok, now(), rng_);
  if (ok) {
    ++counters_.exchanges_ok;
    // The host stored the peer under "dht" already; we only count and log newcomers.
    std::string key = peer_pubkey(peer_json);
    if (!key.empty() && found_keys_.size() < kMaxFoundKeys && found_keys_.insert(key).second) {
      ++counters_.peers_found;
      wgm::logf(host_, ctx_, WGM_LOG_INFO, "peer %s... found through the DHT at %s",
                wgm::short_key(key).c_str(), addr.to_string().c_str());
    }
  } else {
    ++counters_.exchanges_failed;
  }
  tick();
}

// ---- nodes file ------------------------------------------------------------------------------

void DhtPlugin::save_nodes_async(int64_t t) {
  schedule_.saved(t);
  if (nodes_path_.empty() || save_in_flight_) return;
  auto nodes = node_->nodes_snapshot();
  if (nodes.empty()) return;  // keep the previous file (§3.5)
  const size_t count = nodes.size();
  auto status = std::make_shared<Status>();  // written by the worker, read on the loop
  int rc = submit_work(
      host_, ctx_, this,
      [path = nodes_path_, nodes = std::move(nodes), status] {
        *status = save_nodes_file(path, nodes);
      },
      [this, status, count] {
        wgm::guarded(host_, ctx_, [&] {
          save_in_flight_ = false;
          if (status->ok()) {
            counters_.nodes_saved += count;
          } else {
            ++counters_.nodes_save_errors;
            throttled_log("save", WGM_LOG_WARN, "cannot save the nodes file: " + status->message());
          }
          return 0;
        });
      });
  if (rc == WGM_OK)
    save_in_flight_ = true;
  else
    save_nodes_now();  // no work queue: a 50 KB write is better than losing the table
}

void DhtPlugin::save_nodes_now() {
  if (nodes_path_.empty() || !node_) return;
  auto nodes = node_->nodes_snapshot();
  if (nodes.empty()) return;
  Status st = save_nodes_file(nodes_path_, nodes);
  if (st.ok()) {
    counters_.nodes_saved += nodes.size();
  } else {
    ++counters_.nodes_save_errors;
    wgm::logf(host_, ctx_, WGM_LOG_WARN, "cannot save the nodes file: %s", st.message().c_str());
  }
}

// ---- metrics and logs ------------------------------------------------------------------------

void DhtPlugin::publish_metrics(bool force) {
  if (!node_) return;
  const int64_t t = now();
  if (!force && t - metrics_at_ < kMetricsIntervalMs) {
    metrics_pending_ = true;  // arm_timer() comes back for it: metrics never lag for long
    return;
  }
  metrics_at_ = t;
  metrics_pending_ = false;
  const Stats s = node_->stats();
  for (const auto& list : {core_counters(s), plugin_counters(counters_)})
    for (const auto& n : list)
      if (uint64_t d = deltas_.delta(n.name, n.value)) host_->counter_add(ctx_, n.name, d);
  for (const auto& n : core_gauges(s))
    host_->gauge_set(ctx_, n.name, static_cast<int64_t>(n.value));
  host_->gauge_set(ctx_, "exchanges_in_flight", static_cast<int64_t>(gate_.in_flight()));
}

void DhtPlugin::throttled_log(const char* kind, wgm_log_level level, const std::string& message) {
  const int64_t t = now();
  auto [it, fresh] = log_at_.try_emplace(kind, t);
  if (!fresh && t - it->second < kLogThrottleMs) return;
  it->second = t;
  host_->log(ctx_, level, message.c_str());
}

}  // namespace wgmesh::dht::plugin
