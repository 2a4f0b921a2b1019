#include "mesh/reconciler.h"

#include <algorithm>
#include <chrono>

#include "runtime/logger.h"
#include "wireguard/diff.h"

namespace wgmesh {
namespace {

bool overlaps(const wg::IpPrefix& a, const wg::IpPrefix& b) {
  if (a.family() != b.family()) return false;
  uint8_t len = std::min(a.length, b.length);
  wg::IpPrefix ca{a.address, len}, cb{b.address, len};
  return ca.canonical() == cb.canonical();
}

int64_t unix_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

Reconciler::Reconciler(EventLoop& loop, wg::Backend& backend, wg::RouteNetlink* routes,
                       PeerStore& store, Metrics& metrics, ReconcileSettings settings)
    : loop_(loop),
      backend_(backend),
      routes_(routes),
      store_(store),
      metrics_(metrics),
      settings_(std::move(settings)) {}

void Reconciler::start() {
  debounce_ = std::make_unique<Timer>(loop_);
  periodic_ = std::make_unique<Timer>(loop_);
  periodic_->start(settings_.periodic_ms, settings_.periodic_ms, [this] {
    Status st = run_once();
    (void)st;  // logged inside
  });
}

void Reconciler::stop() {
  debounce_.reset();
  periodic_.reset();
  deferred_.reset();
}

void Reconciler::request() {
  if (!debounce_ || debounce_->active()) return;
  debounce_->start(settings_.debounce_ms, 0, [this] {
    Status st = run_once();
    (void)st;
  });
}

const wg::PeerState* Reconciler::facts(const std::string& pubkey) const {
  auto it = facts_.find(pubkey);
  return it == facts_.end() ? nullptr : &it->second;
}

void Reconciler::remember(const wg::DeviceState& state) {
  facts_.clear();
  for (const auto& p : state.peers) facts_[p.public_key.to_base64()] = p;
}

Status Reconciler::refresh_facts() {
  auto state = backend_.get_device();
  if (!state.ok()) return state.error();
  remember(*state);
  return {};
}

wg::DesiredDevice Reconciler::desired(const wg::DeviceState& actual,
                                      std::vector<wg::Route>& routes) const {
  struct Claim {
    std::string pubkey;
    wg::IpPrefix prefix;
    bool mesh_address;  // a peer's own /32 or /128 beats a routed network
  };
  std::map<std::string, const wg::PeerState*> device_peers;
  for (const auto& p : actual.peers) device_peers[p.public_key.to_base64()] = &p;

  std::vector<const PeerRecord*> peers = store_.active();
  keepalive_deferred_ = false;
  for (auto it = first_configured_ms_.begin(); it != first_configured_ms_.end();)
    it = store_.get(it->first) ? std::next(it) : first_configured_ms_.erase(it);
  // Deterministic order: the same store gives the same device on every node and run.
  std::sort(peers.begin(), peers.end(),
            [](const PeerRecord* a, const PeerRecord* b) { return a->pubkey < b->pubkey; });

  std::vector<Claim> claims;
  std::map<std::string, wg::DesiredPeer> wanted;
  int64_t now_s = unix_now_ms() / 1000;
  for (const PeerRecord* peer : peers) {
    if (peer->mesh_ip.empty()) continue;  // never configured without an address
    if (offline_ && offline_(peer->pubkey)) continue;
    auto key = wg::Key::from_base64(peer->pubkey);
    if (!key.ok()) continue;
    auto mesh4 = wg::IpAddress::parse(peer->mesh_ip);
    if (!mesh4.ok()) continue;
    wg::DesiredPeer d;
    d.public_key = *key;
    if (!settings_.psk.is_zero()) d.preshared_key = settings_.psk;
    d.persistent_keepalive = settings_.keepalive_seconds;

    auto dev = device_peers.find(peer->pubkey);
    bool ever_handshaked = dev != device_peers.end() && !dev->second->last_handshake.is_zero();
    int64_t now_ms = unix_now_ms();
    auto first = first_configured_ms_.emplace(peer->pubkey, now_ms).first;
    if (!ever_handshaked && settings_.local_pubkey > peer->pubkey &&
        now_ms - first->second < settings_.initiator_grace_ms) {
      d.persistent_keepalive = 0;  // let the other end initiate (see ReconcileSettings)
      keepalive_deferred_ = true;
    }
    bool fresh_handshake = dev != device_peers.end() && !dev->second->last_handshake.is_zero() &&
                           now_s - dev->second->last_handshake.sec < settings_.trust_roamed_endpoint_s;
    std::string endpoint = store_.endpoint_of(*peer);
    if (!endpoint.empty() && !fresh_handshake) {
      auto ep = wg::Endpoint::parse(endpoint);
      if (ep.ok()) d.endpoint = *ep;
    }
    claims.push_back({peer->pubkey, wg::IpPrefix{*mesh4, mesh4->is_v4() ? uint8_t(32) : uint8_t(128)}, true});
    if (!peer->mesh_ipv6.empty()) {
      auto mesh6 = wg::IpAddress::parse(peer->mesh_ipv6);
      if (mesh6.ok()) claims.push_back({peer->pubkey, wg::IpPrefix{*mesh6, mesh6->is_v4() ? uint8_t(32) : uint8_t(128)}, true});
    }
    for (const auto& net : peer->routable_networks) {
      auto prefix = wg::IpPrefix::parse(net);
      if (!prefix.ok()) continue;
      wg::IpPrefix c = prefix->canonical();
      bool refused = c.length == 0;  // a default route from a peer would hijack the host
      for (const auto& local : settings_.local_addresses)
        if (overlaps(c, local)) refused = true;
      if (refused) {
        std::string id = peer->pubkey + "|" + c.to_string();
        if (refused_prefix_logged_.insert(id).second)
          log_warn("reconcile", "ignoring network " + c.to_string() + " advertised by " +
                                    peer->pubkey.substr(0, 16) + "...: it would cover this node's own address or the default route");
        continue;
      }
      claims.push_back({peer->pubkey, c, false});
    }
    wanted.emplace(peer->pubkey, std::move(d));
  }

  // Each prefix goes to exactly one peer (WireGuard would silently move it to whichever was
  // written last): a peer's own address beats a routed network; then the lower key wins.
  std::sort(claims.begin(), claims.end(), [](const Claim& a, const Claim& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    if (a.mesh_address != b.mesh_address) return a.mesh_address;
    return a.pubkey < b.pubkey;
  });
  for (size_t i = 0; i < claims.size(); ++i) {
    if (i > 0 && claims[i].prefix == claims[i - 1].prefix) continue;
    wanted[claims[i].pubkey].allowed_ips.push_back(claims[i].prefix);
    if (!claims[i].mesh_address) routes.push_back(wg::Route{claims[i].prefix, std::nullopt});
  }

  wg::DesiredDevice device;
  for (auto& [k, d] : wanted) device.peers.push_back(std::move(d));
  return device;
}

Status Reconciler::apply(const wg::DeviceUpdate& update) {
  Status st = backend_.set_device(update);
  if (st.ok()) return st;
  // Isolate the failure: apply peer by peer so the good ones still land.
  log_warn("reconcile", "applying " + std::to_string(update.peers.size()) +
                            " peer changes failed (" + st.message() + "); retrying one by one");
  Status first_error;
  for (const auto& peer : update.peers) {
    wg::DeviceUpdate one;
    one.peers.push_back(peer);
    Status s = backend_.set_device(one);
    if (!s.ok()) {
      ++stats_.peer_errors;
      metrics_.add("reconcile.peer_errors");
      log_warn("reconcile", "peer " + peer.public_key.to_base64().substr(0, 16) + "...: " + s.message());
      if (first_error.ok()) first_error = s;
    }
  }
  return first_error;
}

void Reconciler::sync_routes(const std::vector<wg::Route>& wanted) {
  if (!routes_ || !settings_.manage_routes) return;
  auto current = routes_->list_routes(settings_.ifname, AF_UNSPEC, /*only_ours=*/true);
  if (!current.ok()) {
    log_warn("reconcile", "cannot list routes: " + current.message());
    return;
  }
  auto same = [](const wg::Route& a, const wg::Route& b) {
    return a.destination.canonical() == b.destination.canonical() && a.gateway == b.gateway;
  };
  for (const auto& r : *current) {
    bool keep = std::any_of(wanted.begin(), wanted.end(), [&](const wg::Route& w) { return same(w, r); });
    if (keep) continue;
    Status st = routes_->delete_route(settings_.ifname, r);
    if (st.ok()) ++stats_.routes_removed;
    else log_warn("reconcile", "cannot remove route " + r.destination.to_string() + ": " + st.message());
  }
  for (const auto& w : wanted) {
    bool have = std::any_of(current->begin(), current->end(), [&](const wg::Route& r) { return same(w, r); });
    if (have) continue;
    Status st = routes_->replace_route(settings_.ifname, w);
    if (st.ok()) ++stats_.routes_added;
    else log_warn("reconcile", "cannot add route " + w.destination.to_string() + ": " + st.message());
  }
}

Status Reconciler::run_once() {
  auto t0 = std::chrono::steady_clock::now();
  ++stats_.runs;
  auto actual = backend_.get_device();
  if (!actual.ok()) {
    stats_.last_error = actual.message();
    metrics_.add("reconcile.read_errors");
    log_warn("reconcile", "cannot read WireGuard device: " + actual.message());
    return actual.error();
  }
  remember(*actual);
  std::vector<wg::Route> routes;
  wg::DesiredDevice want = desired(*actual, routes);
  auto update = wg::compute_update(*actual, want);
  Status result;
  if (!update.ok()) {
    stats_.last_error = update.message();
    log_warn("reconcile", update.message());
    result = update.error();
  } else if (!update->empty()) {
    for (const auto& p : update->peers) {
      if (p.remove) ++stats_.peers_removed;
      else if (p.update_only) ++stats_.peers_changed;
      else ++stats_.peers_added;
    }
    ++stats_.applies;
    if (Logger::instance().enabled(LogLevel::Debug)) {
      std::string what;
      for (const auto& p : update->peers)
        what += " " + std::string(p.remove ? "-" : p.update_only ? "~" : "+") + p.public_key.to_base64().substr(0, 8) +
                (p.persistent_keepalive ? "(ka " + std::to_string(*p.persistent_keepalive) + ")" : "");
      log_debug("reconcile", "applying:" + what);
    }
    result = apply(*update);
    if (!result.ok()) stats_.last_error = result.message();
  }
  sync_routes(routes);
  if (keepalive_deferred_ && debounce_) {
    // Re-check once the grace is over, until each new peer has its keepalive.
    if (!deferred_) deferred_ = std::make_unique<Timer>(loop_);
    if (!deferred_->active())
      deferred_->start(static_cast<uint64_t>(settings_.initiator_grace_ms) + 20, 0, [this] {
        Status st = run_once();
        (void)st;
      });
  }
  stats_.last_duration_us = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
  metrics_.add("reconcile.runs");
  metrics_.set("reconcile.last_duration_us", static_cast<int64_t>(stats_.last_duration_us));
  return result;
}

}  // namespace wgmesh
