#include "mesh/mesh_node.h"

#include <arpa/inet.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "common/atomic_file.h"
#include "keys/mesh_address.h"
#include "mesh/endpoint_rules.h"
#include "mesh/peer_json.h"
#include "runtime/logger.h"
#include "runtime/udp_socket.h"
#include "wireguard/backend_factory.h"

namespace wgmesh {
namespace {

// Peer lists over RPC show handshake times and byte counters read from WireGuard; a read at
// most this old is shared, so a client polling many times a second does not make one device
// read per request (wgmeshctl shows seconds, so 250 ms never shows).
constexpr int64_t kRpcFactsMaxAgeMs = 250;

// How long after a peer came or went the cache is written (coalesces a mesh forming).
constexpr uint64_t kCacheSaveDelayMs = 5000;

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string system_hostname() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

constexpr int kOk = 0, kErrInvalid = -1, kErrNotFound = -2, kErrIo = -3, kErrExists = -4,
              kErrState = -7, kErrAuth = -8;

}  // namespace

Result<std::unique_ptr<MeshNode>> make_mesh_node(HostCore& core, const NodeConfig& config,
                                                 const std::string& secret_text) {
  auto keys = MeshKeys::from_input(secret_text, config.mesh_subnet);
  if (!keys.ok()) return keys.error();
  return std::make_unique<MeshNode>(core, config, std::move(*keys));
}

MeshNode::MeshNode(HostCore& core, const NodeConfig& config, MeshKeys keys)
    : core_(core),
      config_(config),
      keys_(std::move(keys)),
      store_(sources_, [] { return wall_ms(); }) {
  store_.set_allow_ipv6_endpoints(!config_.no_ipv6);
}

MeshNode::~MeshNode() { stop(); }

bool MeshNode::is_mesh_address(const std::string& ip) const {
  unsigned char b[16];
  if (inet_pton(AF_INET6, ip.c_str(), b) == 1)
    return std::equal(b, b + 8, keys_.derived().mesh_prefix_v6.begin());
  return keys::mesh_ip_in_subnet(ip, keys_.derived().mesh_subnet, keys_.custom_subnet());
}

Status MeshNode::setup_interface() {
  wg::BackendOptions opt;
  opt.kind = config_.backend == BackendChoice::Kernel      ? wg::BackendKind::kKernel
             : config_.backend == BackendChoice::Userspace ? wg::BackendKind::kUserspace
                                                           : wg::BackendKind::kAuto;
  opt.ifname = config_.interface;
  opt.uapi.socket_dir = config_.uapi_dir;
  opt.supervisor.program = config_.userspace_program;
  opt.supervisor.log_path = config_.state_dir + "/" + config_.interface + "-wireguard.log";
  auto backend = wg::make_backend(opt);
  if (!backend.ok()) return backend.error();
  backend_ = std::move(*backend);
  Status st = backend_->create_interface();
  if (!st.ok()) return Error{"WireGuard interface " + config_.interface + ": " + st.message()};

  // Start from a clean device: old peers from a previous run would otherwise linger.
  wg::DeviceUpdate base;
  base.private_key = identity_.private_key;
  base.replace_peers = true;
  // Port fallback (daemon.md §3.4), but through WireGuard itself: no bind-then-release race.
  uint16_t port = config_.listen_port;
  for (int attempt = 0; attempt <= 100; ++attempt) {
    base.listen_port = static_cast<uint16_t>(port + attempt);
    st = backend_->set_device(base);
    if (st.ok()) {
      local_.listen_port = *base.listen_port;
      break;
    }
  }
  if (!st.ok())
    return Error{
        "port " + std::to_string(port) +
        " is in use and no available ports found (try listen_port with a different port): " +
        st.message()};
  if (local_.listen_port != port)
    log_warn("mesh", "listen port " + std::to_string(port) + " busy, using " +
                         std::to_string(local_.listen_port));

  routes_ = std::make_unique<wg::RouteNetlink>();
  const std::string& ifn = config_.interface;
  (void)routes_->flush_addresses(ifn, AF_UNSPEC);
  auto v4 = wg::IpPrefix::parse(local_.mesh_ip + "/" + std::to_string(keys_.ipv4_prefix_length()));
  if (!v4.ok()) return v4.error();
  st = routes_->add_address(ifn, *v4);
  if (!st.ok())
    return Error{"cannot assign " + v4->to_string() + " to " + ifn + ": " + st.message()};
  auto v6 = wg::IpPrefix::parse(local_.mesh_ipv6 + "/64");
  if (v6.ok()) {
    Status s6 = routes_->add_address(ifn, *v6);
    if (!s6.ok()) log_warn("mesh", "cannot assign " + v6->to_string() + ": " + s6.message());
  }
  st = routes_->set_link_up(ifn, true);
  if (!st.ok()) return Error{"cannot bring " + ifn + " up: " + st.message()};
  log_info("mesh", "WireGuard interface " + ifn + " (" + backend_->name() + ") ready on port " +
                       std::to_string(local_.listen_port));
  return {};
}

Status MeshNode::start() {
  auto id = load_or_create_identity(config_.state_dir, config_.interface);
  if (!id.ok()) return id.error();
  identity_ = std::move(*id);
  if (identity_.created)
    log_info("mesh", "generated a new WireGuard key pair in " +
                         identity_path(config_.state_dir, config_.interface));

  // Mesh addresses: a persisted IPv4 address inside the expected subnet that is a derivation
  // of our key is kept (it may be a collision re-derivation); otherwise derive. IPv6 is always
  // derived from the current secret.
  addresses_ =
      std::make_unique<AddressSpace>(keys_.derived(), keys_.secret(), keys_.custom_subnet());
  auto startup_ip = addresses_->startup_address(identity_.public_key_text, identity_.mesh_ip);
  if (!startup_ip.ok()) return startup_ip.error();
  std::string ip = *startup_ip;
  if (!identity_.mesh_ip.empty() && identity_.mesh_ip != ip)
    log_warn("mesh", "persisted mesh IP " + identity_.mesh_ip +
                         " is not a derivation of our key in this mesh; using " + ip);
  local_.pubkey = identity_.public_key_text;
  local_.mesh_ip = ip;
  local_.mesh_ipv6 = keys_.mesh_ipv6(identity_.public_key_text);
  local_.hostname = config_.hostname.empty() ? system_hostname() : config_.hostname;
  local_.introducer = config_.introducer;
  local_.routes = config_.advertise_routes;
  local_.listen_port = config_.listen_port;
  if (identity_.mesh_ip != ip) {
    identity_.mesh_ip = ip;
    Status saved = save_identity(config_.state_dir, config_.interface, identity_);
    if (!saved.ok()) log_warn("mesh", "cannot persist mesh address: " + saved.message());
  }
  store_.set_local_pubkey(local_.pubkey);
  mesh_ip_filter_ = std::make_unique<MeshIpFilter>(
      *addresses_, MeshIpFilter::Hooks{[](const std::string& m) { log_warn("peers", m); },
                                       [this] { core_.metrics.add("peers.implausible_mesh_ip"); }});
  store_.set_mesh_ip_filter([this](const std::string& key, const std::string& ip) {
    return mesh_ip_filter_->accept(key, ip);
  });
  collisions_ = std::make_unique<CollisionResolver>(*addresses_, local_.pubkey);
  log_info("mesh", "node " + local_.pubkey.substr(0, 16) + "... mesh IP " + local_.mesh_ip + " " +
                       local_.mesh_ipv6 + ", network ID " +
                       keys::network_id_short_hex(keys_.derived()));

  Status st = setup_interface();
  if (!st.ok()) return st;

  ReconcileSettings rs;
  rs.ifname = config_.interface;
  rs.psk = wg::Key::from_bytes(keys_.derived().psk.data());
  rs.local_pubkey = local_.pubkey;
  rs.local_addresses = local_prefixes();
  rs.introducer = config_.introducer;
  rs.force_relay = config_.force_relay;
  rs.no_ipv6 = config_.no_ipv6;
  rs.enable_forwarding = config_.introducer;  // introducers relay (§7)
  reconciler_ =
      std::make_unique<Reconciler>(core_.loop, *backend_, routes_.get(), store_, core_.metrics, rs);
  reconciler_->set_nat_type_source([this] { return local_.nat_type; });

  HealthSettings hs;
  hs.ifname = config_.interface;
  hs.mesh_ip = local_.mesh_ip;
  hs.mesh_ipv6 = local_.mesh_ipv6;
  hs.probe_port = keys::health_probe_port(keys_.derived());
  hs.no_ipv6 = config_.no_ipv6;
  health_ = std::make_unique<HealthMonitor>(core_.loop, store_, *reconciler_, core_.metrics, hs);
  reconciler_->set_offline_check([this](const std::string& k) { return health_->is_offline(k); });
  store_.set_first_hand_hook([this](const std::string& k) {
    if (health_ && health_->is_offline(k)) {
      health_->clear_offline(k);
      log_info("health", "peer " + k.substr(0, 16) + "... is back");
      // The report that proves it may change nothing the store shows (a pure liveness
      // refresh raises no event), yet the peer counts again for collisions and reconcile:
      // take the same path as a store event.
      if (event_flush_ && !event_flush_->active())
        event_flush_->start(0, 0, [this] { on_store_events(); });
    }
  });

  ControlSettings cs;
  cs.port = keys_.derived().gossip_port;
  cs.no_ipv6 = config_.no_ipv6;
  cs.is_mesh_address = [this](const std::string& a) { return is_mesh_address(a); };
  control_ = std::make_unique<ControlChannel>(core_.loop, keys_, local_, store_, core_.metrics, cs);
  st = control_->start();
  if (!st.ok()) return st;

  // Store events: coalesced, delivered on the next loop turn (never re-entrantly).
  event_flush_ = std::make_unique<Timer>(core_.loop);
  store_.set_events_pending_hook([this] {
    if (event_flush_ && !event_flush_->active())
      event_flush_->start(0, 0, [this] { on_store_events(); });
  });
  store_.set_listener([this](PeerEvent kind, const std::string& key) {
    if (kind != PeerEvent::Updated) save_cache_soon();
    auto subs = peer_subscribers_;
    for (auto& [id, cb] : subs) cb(kind, key);
  });

  // Restore the peer cache, and try a direct exchange with each cached peer.
  auto cache = read_file(peer_cache_path(config_.state_dir, config_.interface));
  if (cache.ok()) {
    auto cached = parse_peer_cache(*cache, wall_ms() / 1000);
    if (!cached.ok()) {
      log_warn("cache", "ignoring " + peer_cache_path(config_.state_dir, config_.interface) + ": " +
                            cached.message());
    } else {
      size_t restored = 0;
      for (const auto& c : *cached) {
        if (store_.update(c.report, "cache").ok()) ++restored;
        std::string ctl = c.report.endpoint ? control_endpoint(*c.report.endpoint, cs.port) : "";
        sockaddr_storage ss{};
        socklen_t len = 0;
        if (!ctl.empty() && parse_socket_address(ctl, ss, len))
          (void)control_->exchange(reinterpret_cast<sockaddr*>(&ss), len, !config_.no_punching,
                                   4000, "dht", [](int, const std::string&) {});
      }
      if (restored) log_info("cache", "restored " + std::to_string(restored) + " peers from cache");
    }
  }

  reconciler_->start();
  st = health_->start();
  if (!st.ok()) log_warn("health", st.message());
  housekeeping_ = std::make_unique<Timer>(core_.loop);
  housekeeping_->start(60000, 60000, [this] {
    check_collisions();  // events cover changes; this covers peers going dead or offline
    auto gone = store_.expire();
    if (!gone.empty()) log_info("peers", "removed " + std::to_string(gone.size()) + " stale peers");
    save_cache();
  });
  cache_save_ = std::make_unique<Timer>(core_.loop);
  status_log_ = std::make_unique<Timer>(core_.loop);
  status_log_->start(30000, 30000, [this] { log_status(); });
  register_rpc();
  check_collisions();  // against cached peers, before the first reconcile uses our address
  Status first = reconciler_->run_once();  // cached peers are configured right away
  (void)first;
  started_ = true;
  return {};
}

void MeshNode::stop() {
  if (!started_) return;
  started_ = false;
  if (control_) control_->say_goodbye();
  save_cache();
  status_log_.reset();
  housekeeping_.reset();
  cache_save_.reset();
  event_flush_.reset();
  if (health_) health_->stop();
  if (reconciler_) reconciler_->stop();
  if (control_) control_->stop();
  core_.rpc.remove_owner("mesh");
  if (backend_) {
    Status st = backend_->delete_interface();
    if (st.ok())
      log_info("mesh", "WireGuard interface " + config_.interface + " removed");
    else
      log_warn("mesh", "cannot remove interface " + config_.interface + ": " + st.message());
  }
}

Status MeshNode::reload_routes(const std::vector<std::string>& routes) {
  std::vector<std::string> canonical;
  for (const auto& r : routes) {
    std::string c = canonical_cidr(r);
    if (c.empty()) return Error{"advertise_routes: '" + r + "' is not a CIDR"};
    canonical.push_back(c);
  }
  if (local_.set_routes(canonical))
    log_info(
        "reload", "advertised routes now [" + [&] {
          std::string s;
          for (const auto& r : canonical) s += (s.empty() ? "" : ", ") + r;
          return s;
        }() + "]");
  return {};
}

void MeshNode::save_cache() {
  Status saved = save_peer_cache(config_.state_dir, config_.interface, store_, wall_ms() / 1000);
  if (!saved.ok()) log_warn("cache", "cannot save peer cache: " + saved.message());
}

void MeshNode::save_cache_soon() {
  if (cache_save_ && !cache_save_->active())
    cache_save_->start(kCacheSaveDelayMs, 0, [this] { save_cache(); });
}

void MeshNode::on_store_events() {
  store_.flush_events();
  check_collisions();
  if (reconciler_) reconciler_->request();
}

std::vector<wg::IpPrefix> MeshNode::local_prefixes() const {
  std::vector<wg::IpPrefix> out;
  for (const std::string& a : {local_.mesh_ip, local_.mesh_ipv6}) {
    auto p = wg::IpPrefix::parse(a);
    if (p.ok()) out.push_back(*p);
  }
  return out;
}

void MeshNode::check_collisions() {
  if (!collisions_) return;
  // Active peers only: a dead or evicted peer's stale claim must not move us.
  std::vector<MeshIpClaim> claims;
  for (const PeerRecord* p : store_.active()) {
    if (p->mesh_ip.empty() || (health_ && health_->is_offline(p->pubkey))) continue;
    claims.push_back({p->pubkey, p->mesh_ip});
  }
  CollisionOutcome out = collisions_->scan(local_.mesh_ip, claims);
  for (const auto& w : out.warnings) log_warn("mesh", w);
  core_.metrics.set("mesh.collision_unresolved", out.unresolved ? 1 : 0);
  if (out.new_local_ip) move_mesh_ipv4(*out.new_local_ip);
}

void MeshNode::move_mesh_ipv4(const std::string& ip) {
  core_.metrics.add("mesh.ip_changes");
  // Persist first: after a restart we must come back on the new address, not the contested one.
  identity_.mesh_ip = ip;
  Status saved = save_identity(config_.state_dir, config_.interface, identity_);
  if (!saved.ok()) log_warn("mesh", "cannot persist mesh address: " + saved.message());
  // The interface: IPv4 only (IPv6 is not part of the collision). Flushing also drops the
  // device's IPv4 routes; the reconcile requested below puts the routed networks back.
  if (routes_) {
    (void)routes_->flush_addresses(config_.interface, AF_INET);
    auto v4 = wg::IpPrefix::parse(ip + "/" + std::to_string(keys_.ipv4_prefix_length()));
    Status st = v4.ok() ? routes_->add_address(config_.interface, *v4) : Status(v4.error());
    if (!st.ok())
      log_error("mesh", "cannot assign " + ip + " to " + config_.interface + ": " + st.message());
  }
  // Then announce it (plugins re-announce on the change) and follow it everywhere else.
  local_.set_mesh_ip(ip);
  if (health_) health_->set_mesh_ipv4(ip);
  if (reconciler_) {
    reconciler_->set_local_addresses(local_prefixes());
    reconciler_->request();
  }
}

PeerView MeshNode::view_of(const PeerRecord& p) const {
  PeerView v;
  v.peer = &p;
  v.wg = reconciler_ ? reconciler_->facts(p.pubkey) : nullptr;
  v.active = store_.is_active(p);
  v.endpoint = store_.endpoint_of(p);
  v.endpoint_source = store_.endpoint_label_of(p);
  if (v.wg && v.wg->endpoint) v.endpoint = v.wg->endpoint->to_string();  // what WireGuard uses now
  v.route = reconciler_ ? reconciler_->route_label(p.pubkey) : "direct";
  return v;
}

void MeshNode::log_status() {
  auto active = store_.active();
  log_info("status", "active peers: " + std::to_string(active.size()) + " of " +
                         std::to_string(store_.count()));
  for (const PeerRecord* p : active) {
    PeerView v = view_of(*p);
    std::string via;
    for (const auto& d : p->discovered_via) via += (via.empty() ? "" : " ") + d;
    log_info("status",
             "  - " + (p->hostname.empty() ? p->pubkey.substr(0, 16) + "..." : p->hostname) + " (" +
                 p->mesh_ip + ") route=" + v.route + " via [" + via + "] endpoint=" + v.endpoint +
                 (v.wg && !v.wg->last_handshake.is_zero()
                      ? " handshake=" +
                            std::to_string(wall_ms() / 1000 - v.wg->last_handshake.sec) + "s ago"
                      : " handshake=never"));
  }
}

void MeshNode::register_rpc() {
  auto add = [this](const char* name, const char* desc, RpcHandler h) {
    Status st = core_.rpc.add(name, "mesh", desc, std::move(h));
    if (!st.ok()) log_warn("mesh", st.message());
  };
  add("peers.list", "Active peers (PeerInfo objects)",
      [this](std::shared_ptr<RpcResponder> r, const std::string&) {
        (void)reconciler_->refresh_facts(kRpcFactsMaxAgeMs);
        std::vector<PeerView> views;
        for (const PeerRecord* p : store_.active()) views.push_back(view_of(*p));
        r->reply(peer_list_json(views, true));
      });
  add("peers.get", "One peer by public key: {\"pubkey\": \"...\"}",
      [this](std::shared_ptr<RpcResponder> r, const std::string& params) {
        rapidjson::Document doc;
        doc.Parse(params.c_str(), params.size());
        auto it = doc.IsObject() ? doc.FindMember("pubkey") : rapidjson::Value::MemberIterator();
        if (!doc.IsObject() || it == doc.MemberEnd() || !it->value.IsString() ||
            it->value.GetStringLength() == 0) {
          r->error(kRpcInvalidParams, "missing or invalid 'pubkey' parameter");
          return;
        }
        std::string key = it->value.GetString();
        const PeerRecord* p = store_.get(key);
        if (!p) {
          r->error(kRpcInvalidParams, "peer not found: " + key);
          return;
        }
        (void)reconciler_->refresh_facts(kRpcFactsMaxAgeMs);
        r->reply(peer_view_json(view_of(*p)));
      });
  add("peers.count", "Counts of active, dead and total peers",
      [this](std::shared_ptr<RpcResponder> r, const std::string&) {
        size_t total = store_.count(), active = store_.active().size();
        r->reply("{\"active\":" + std::to_string(active) + ",\"total\":" + std::to_string(total) +
                 ",\"dead\":" + std::to_string(total - active) + "}");
      });
  add("mesh.reconcile", "Reconcile WireGuard now; returns the reconcile statistics",
      [this](std::shared_ptr<RpcResponder> r, const std::string&) {
        Status st = reconciler_->run_once();
        const auto& s = reconciler_->stats();
        r->reply("{\"ok\":" + std::string(st.ok() ? "true" : "false") + ",\"runs\":" +
                 std::to_string(s.runs) + ",\"peers_added\":" + std::to_string(s.peers_added) +
                 ",\"peers_removed\":" + std::to_string(s.peers_removed) +
                 ",\"last_duration_us\":" + std::to_string(s.last_duration_us) + "}");
      });
}

// ---- MeshServices ----------------------------------------------------------------------------

int MeshNode::key_value(const std::string& name, std::string& out) {
  auto v = keys_.value(name);
  if (!v.ok()) return kErrNotFound;
  out = *v;
  return kOk;
}

int MeshNode::hourly_infohash(int64_t unix_seconds, uint8_t out[20]) {
  auto h = keys_.hourly_infohash(unix_seconds);
  std::copy(h.begin(), h.end(), out);
  return kOk;
}

int MeshNode::epoch_hmac(const uint8_t* msg, size_t len, uint8_t out[32]) {
  auto h = keys_.epoch_hmac(msg, len);
  std::copy(h.begin(), h.end(), out);
  return kOk;
}

int MeshNode::seal(const std::string& type, const std::string& payload, std::string& out) {
  auto s = keys_.seal(type, payload);
  if (!s.ok()) return kErrInvalid;
  out = std::move(*s);
  return kOk;
}

int MeshNode::open(const uint8_t* data, size_t len, uint32_t flags, const sockaddr* from, socklen_t,
                   std::string& type, std::string& payload) {
  constexpr uint32_t kStrict = 1u << 0, kNoReplay = 1u << 1;
  OpenFailure failure = OpenFailure::None;
  auto r =
      keys_.open(std::string_view(reinterpret_cast<const char*>(data), len), from,
                 (flags & kStrict) != 0, (flags & kNoReplay) ? nullptr : &plugin_replay_, &failure);
  if (!r.ok()) {
    core_.metrics.add(failure == OpenFailure::Replay    ? "envelope.dropped_replay"
                      : failure == OpenFailure::Invalid ? "envelope.dropped_invalid"
                      : failure == OpenFailure::Stale   ? "envelope.dropped_stale"
                                                        : "envelope.dropped_auth");
    return failure == OpenFailure::Invalid ? kErrInvalid : kErrAuth;
  }
  if (r->retransmission) {
    // Plugins get no retransmission flag on this path: treat repeats as replays for them.
    core_.metrics.add("envelope.dropped_replay");
    return kErrAuth;
  }
  type = std::move(r->type);
  payload = std::move(r->payload);
  return kOk;
}

std::string MeshNode::local_announcement(uint32_t max_known_peers) {
  return keys::announcement_to_json(
      local_.announcement(&store_, max_known_peers, wall_ms() / 1000));
}

std::string MeshNode::local_node_json() { return local_.json(); }

int MeshNode::set_local_endpoint(const std::string& endpoint, const std::string& source) {
  std::string host;
  uint16_t port = 0;
  if (!split_host_port(endpoint, host, port)) return kErrInvalid;
  local_.propose_endpoint(endpoint, source);
  return kOk;
}

int MeshNode::set_local_nat_type(const std::string& nat) {
  if (nat != "cone" && nat != "symmetric" && nat != "unknown") return kErrInvalid;
  local_.set_nat_type(nat);
  return kOk;
}

uint64_t MeshNode::subscribe_local(std::function<void()> cb) {
  uint64_t id = next_sub_id_++;
  local_subscriptions_[id] = local_.subscribe(std::move(cb));
  return id;
}

int MeshNode::register_source(const std::string& label, int rank, int cls) {
  Status st = sources_.add(label, rank, static_cast<SourceClass>(cls));
  if (!st.ok()) {
    log_warn("mesh", st.message());
    return kErrExists;
  }
  return kOk;
}

int MeshNode::report_peer(const std::string& label, const std::string& json,
                          const std::string& reporter) {
  auto report = parse_peer_report(json);
  if (!report.ok()) {
    core_.metrics.add(reporter + ".report_errors");
    return kErrInvalid;
  }
  if (config_.no_ipv6 && report->endpoint && endpoint_is_ipv6(*report->endpoint))
    report->endpoint.reset();
  Status st = store_.update(*report, label);
  if (!st.ok()) {
    log_debug(reporter, "report refused: " + st.message());
    return kErrInvalid;
  }
  return kOk;
}

int MeshNode::remove_peer(const std::string& pubkey, const std::string& reason) {
  log_info("peers", "removing " + pubkey.substr(0, 16) + "...: " + reason);
  return store_.remove(pubkey, true) ? kOk : kErrNotFound;
}

int MeshNode::peer_json(const std::string& pubkey, std::string& out) {
  const PeerRecord* p = store_.get(pubkey);
  if (!p) return kErrNotFound;
  out = peer_view_json(view_of(*p));
  return kOk;
}

std::string MeshNode::peers_json(bool active_only) {
  std::vector<PeerView> views;
  for (const PeerRecord* p : active_only ? store_.active() : store_.all())
    views.push_back(view_of(*p));
  return peer_list_json(views, false);
}

size_t MeshNode::peer_count(bool active_only) {
  return active_only ? store_.active().size() : store_.count();
}

uint64_t MeshNode::subscribe_peers(std::function<void(PeerEvent, const std::string&)> cb) {
  uint64_t id = next_sub_id_++;
  peer_subscribers_[id] = std::move(cb);
  return id;
}

void MeshNode::unsubscribe(uint64_t id) {
  peer_subscribers_.erase(id);
  if (auto it = local_subscriptions_.find(id); it != local_subscriptions_.end()) {
    local_.unsubscribe(it->second);
    local_subscriptions_.erase(it);
  }
}

void MeshNode::request_reconcile() {
  if (reconciler_) reconciler_->request();
}

int MeshNode::control_register(const std::string& type, const std::string& owner,
                               ControlHandler handler) {
  if (!control_) return kErrState;
  Status st = control_->register_handler(type, owner, std::move(handler));
  if (!st.ok()) {
    log_warn(owner, st.message());
    return kErrExists;
  }
  return kOk;
}

void MeshNode::control_unregister_owner(const std::string& owner) {
  if (control_) control_->unregister_owner(owner);
}

int MeshNode::control_send(const std::string& type, const std::string& payload, const sockaddr* to,
                           socklen_t len) {
  if (!control_) return kErrState;
  return control_->send(type, payload, to, len).ok() ? kOk : kErrIo;
}

int MeshNode::control_exchange(const sockaddr* to, socklen_t len, uint32_t flags,
                               uint32_t timeout_ms, const std::string& label, ExchangeDone done) {
  if (!control_) return kErrState;
  if (!sources_.find(label)) return kErrInvalid;
  bool punch = (flags & 1u) != 0 && !config_.no_punching;
  return control_->exchange(to, len, punch, timeout_ms, label, std::move(done)).ok() ? kOk : kErrIo;
}

}  // namespace wgmesh
