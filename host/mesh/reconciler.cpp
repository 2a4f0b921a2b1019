#include "mesh/reconciler.h"

#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "common/atomic_file.h"
#include "common/text.h"
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

uint8_t prefix_length(const sockaddr* mask) {
  const uint8_t* b = nullptr;
  size_t n = 0;
  if (mask->sa_family == AF_INET) {
    b = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(mask)->sin_addr);
    n = 4;
  } else if (mask->sa_family == AF_INET6) {
    b = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr);
    n = 16;
  }
  uint8_t len = 0;
  for (size_t i = 0; i < n; ++i) len = static_cast<uint8_t>(len + __builtin_popcount(b[i]));
  return len;
}

// Rule 4's input: the networks of the interfaces that are up and not loopback. Our own
// WireGuard interface is left out: its mesh subnet is never an endpoint's network.
std::vector<wg::IpPrefix> interface_networks(const std::string& own_ifname) {
  std::vector<wg::IpPrefix> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || !a->ifa_netmask || !(a->ifa_flags & IFF_UP) ||
        (a->ifa_flags & IFF_LOOPBACK))
      continue;
    if (a->ifa_name && own_ifname == a->ifa_name) continue;
    int family = a->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6) continue;
    auto ep = wg::Endpoint::from_sockaddr(
        a->ifa_addr, family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    if (!ep.ok()) continue;
    out.push_back(wg::IpPrefix{ep->address, prefix_length(a->ifa_netmask)}.canonical());
  }
  freeifaddrs(list);
  return out;
}

// Writes `value` to a sysctl file unless it already holds it. False on error.
bool ensure_sysctl(const std::string& path, const std::string& value) {
  if (auto current = read_file(path); current && trim(*current) == value) return true;
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::string line = value + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  return ok;
}

std::string short_key(const std::string& pubkey) { return pubkey.substr(0, 16) + "..."; }

}  // namespace

Reconciler::Reconciler(EventLoop& loop, wg::Backend& backend, wg::RouteNetlink* routes,
                       PeerStore& store, Metrics& metrics, ReconcileSettings settings)
    : loop_(loop),
      backend_(backend),
      routes_(routes),
      store_(store),
      metrics_(metrics),
      settings_(std::move(settings)),
      starter_([this] {
        HandshakeStarterSettings h = settings_.handshake;
        h.local_pubkey = settings_.local_pubkey;
        return h;
      }()),
      relay_(settings_.relay) {}

int64_t Reconciler::now_ms() const { return clock_ ? clock_() : unix_now_ms(); }

std::string Reconciler::display_name(const std::string& pubkey) const {
  const PeerRecord* p = store_.get(pubkey);
  return p && !p->hostname.empty() ? p->hostname : short_key(pubkey);
}

std::string Reconciler::route_label(const std::string& pubkey) const {
  std::string relay = relay_.relay_of(pubkey);
  return relay.empty() ? "direct" : "relay:" + display_name(relay);
}

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
  relay_timer_.reset();
}

void Reconciler::request() {
  if (!debounce_ || debounce_->active()) return;
  debounce_->start(settings_.debounce_ms, 0, [this] {
    Status st = run_once(/*fresh_read=*/false);
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

Status Reconciler::refresh_facts(int64_t max_age_ms) {
  const int64_t now = now_ms();
  if (max_age_ms > 0 && cached_ && last_read_ms_ && now - *last_read_ms_ >= 0 &&
      now - *last_read_ms_ <= max_age_ms)
    return {};
  auto state = backend_.get_device();
  if (!state.ok()) return state.error();
  remember(*state);
  cached_ = std::move(*state);
  last_read_ms_ = now;
  return {};
}

std::vector<const PeerRecord*> Reconciler::configurable_peers() const {
  std::vector<const PeerRecord*> out;
  for (const PeerRecord* peer : store_.active()) {
    if (peer->mesh_ip.empty()) continue;  // never configured without an address
    if (offline_ && offline_(peer->pubkey)) continue;
    if (!wg::Key::from_base64(peer->pubkey).ok() || !wg::IpAddress::parse(peer->mesh_ip).ok())
      continue;
    out.push_back(peer);
  }
  // Deterministic order: the same store gives the same device on every node and run.
  std::sort(out.begin(), out.end(),
            [](const PeerRecord* a, const PeerRecord* b) { return a->pubkey < b->pubkey; });
  return out;
}

void Reconciler::plan_relays(const DevicePeers& device_peers,
                             const std::vector<const PeerRecord*>& peers) {
  const int64_t now = now_ms();
  for (auto it = first_configured_ms_.begin(); it != first_configured_ms_.end();)
    it = store_.get(it->first) ? std::next(it) : first_configured_ms_.erase(it);

  relay::LocalFacts local;
  local.pubkey = settings_.local_pubkey;
  local.introducer = settings_.introducer;
  local.force_relay = settings_.force_relay;
  local.no_ipv6 = settings_.no_ipv6;
  local.nat_type = nat_type_ ? nat_type_() : "";
  // Rule 4 needs the local interfaces' networks (a netlink dump), but only for a peer that
  // rules 1-3 leave open: an introducer decides everything by rule 1, and LAN peers and
  // introducer peers are decided before rule 4. A LAN-only mesh never pays for the dump.
  const bool rule4_reached =
      !local.introducer && std::any_of(peers.begin(), peers.end(), [](const PeerRecord* p) {
        return !p->introducer && !p->via("lan");
      });
  if (rule4_reached)
    local.local_networks =
        local_networks_ ? local_networks_() : interface_networks(settings_.ifname);

  std::vector<relay::PeerFacts> facts;
  facts.reserve(peers.size());
  for (const PeerRecord* peer : peers) {
    relay::PeerFacts f;
    f.pubkey = peer->pubkey;
    f.introducer = peer->introducer;
    f.endpoint = store_.endpoint_of(*peer);
    f.nat_type = peer->nat_type;
    f.discovered_via = peer->discovered_via;
    f.last_seen_ms = peer->last_seen_ms;
    f.handshakes_read = true;  // the state comes from a successful read (plus our own writes)
    auto dev = device_peers.find(peer->pubkey);
    f.has_entry = dev != device_peers.end();
    if (f.has_entry && !dev->second->last_handshake.is_zero())
      f.last_handshake_ms =
          dev->second->last_handshake.sec * 1000 + dev->second->last_handshake.nsec / 1000000;
    // When the direct entry was first wanted: desired() configures it in this same run.
    f.configured_since_ms = first_configured_ms_.emplace(peer->pubkey, now).first->second;
    facts.push_back(std::move(f));
  }

  relay::Evaluation ev = relay_.evaluate(local, facts, now);
  for (const relay::Outcome& o : ev.outcomes) {
    if (!o.changed) {
      if (!o.relay.empty() && o.direct_streak > 0)
        log_debug("relay", display_name(o.pubkey) + ": " + o.reason);
      continue;
    }
    ++stats_.relay_switches;
    metrics_.add("relay.switches");
    if (o.relay.empty()) {
      metrics_.add("relay.switches_to_direct");
      log_info("relay", display_name(o.pubkey) + " direct again: " + o.reason);
    } else {
      metrics_.add("relay.switches_to_relay");
      log_info(
          "relay",
          "relaying " + display_name(o.pubkey) + " via " + display_name(o.relay) + ": " + o.reason +
              (o.previous_relay.empty() ? ""
                                        : " (was via " + display_name(o.previous_relay) + ")"));
    }
  }
  stats_.relayed_peers = relay_.relayed_count();
  metrics_.set("relay.peers_relayed", static_cast<int64_t>(stats_.relayed_peers));
  metrics_.set("relay.candidates", static_cast<int64_t>(ev.candidates.size()));
  schedule_relay_recheck(ev.recheck_at_ms);
}

void Reconciler::schedule_relay_recheck(std::optional<int64_t> at_ms) {
  if (!debounce_) return;  // not started (tests drive run_once directly)
  if (!at_ms) {
    if (relay_timer_) relay_timer_->stop();
    return;
  }
  if (!relay_timer_) relay_timer_ = std::make_unique<Timer>(loop_);
  // The margin keeps a timer that fires a hair early (monotonic vs wall clock) from landing
  // just before the time it was meant for, which would not count as a spaced evaluation.
  int64_t delay = std::clamp<int64_t>(*at_ms - now_ms(), 0,
                                      static_cast<int64_t>(settings_.relay_recheck_max_ms)) +
                  20;
  // One-shot, re-armed by every run: an event-driven run in between simply moves it.
  relay_timer_->start(static_cast<uint64_t>(delay), 0, [this] {
    Status st = run_once();
    (void)st;
  });
}

// A relay forwards wg -> wg inside its own interface. Only the interface's own sysctls are
// touched (no global ip_forward, which would make every interface route): IPv4 forwarding
// is decided per input interface. Redirects are turned off because a WireGuard interface
// has no on-link neighbours to redirect to. No firewall rule is installed: a host whose
// FORWARD policy drops must accept "iif wg0 oif wg0" itself (the daemon starts no
// iptables/nft processes). IPv6 forwarding additionally needs the interface's
// force_forwarding (Linux ≥ 6.17, written when present) or the global
// net.ipv6.conf.all.forwarding, which changes every interface and is left to the operator.
void Reconciler::ensure_forwarding() {
  if (!settings_.enable_forwarding) return;
  const std::string& ifn = settings_.ifname;
  if (!wg::is_valid_ifname(ifn)) return;
  bool ok = ensure_sysctl("/proc/sys/net/ipv4/conf/" + ifn + "/forwarding", "1");
  ok = ensure_sysctl("/proc/sys/net/ipv4/conf/" + ifn + "/send_redirects", "0") && ok;
  ok = ensure_sysctl("/proc/sys/net/ipv6/conf/" + ifn + "/forwarding", "1") && ok;
  // Linux ≥ 6.17 can forward IPv6 for one interface without the global switch.
  const std::string force6 = "/proc/sys/net/ipv6/conf/" + ifn + "/force_forwarding";
  if (::access(force6.c_str(), F_OK) == 0) ok = ensure_sysctl(force6, "1") && ok;
  if (!ok && !forwarding_warned_) {
    forwarding_warned_ = true;
    log_warn("relay", "cannot enable forwarding on " + ifn + ": this introducer will not relay");
  }
}

wg::DesiredDevice Reconciler::desired(const DevicePeers& device_peers,
                                      const std::vector<const PeerRecord*>& peers,
                                      std::vector<wg::Route>& routes) const {
  struct Claim {
    std::string pubkey;   // the peer the prefix belongs to
    std::string carrier;  // the entry that carries it: the peer itself, or its relay
    wg::IpPrefix prefix;
    bool mesh_address;  // a peer's own /32 or /128 beats a routed network
  };

  kicks_.clear();
  std::map<std::string, std::pair<std::optional<wg::IpAddress>, std::optional<wg::IpAddress>>>
      mesh_of;
  std::vector<Claim> claims;
  std::map<std::string, wg::DesiredPeer> wanted;
  const int64_t now_ms = this->now_ms();
  const int64_t now_s = now_ms / 1000;
  for (const PeerRecord* peer : peers) {
    auto key = wg::Key::from_base64(peer->pubkey);
    auto mesh4 = wg::IpAddress::parse(peer->mesh_ip);
    if (!key.ok() || !mesh4.ok()) continue;
    const std::string relay = relay_.relay_of(peer->pubkey);
    const std::string& carrier = relay.empty() ? peer->pubkey : relay;
    wg::DesiredPeer d;
    d.public_key = *key;
    if (!settings_.psk.is_zero()) d.preshared_key = settings_.psk;
    d.persistent_keepalive = settings_.keepalive_seconds;

    auto dev = device_peers.find(peer->pubkey);
    bool ever_handshaked = dev != device_peers.end() && !dev->second->last_handshake.is_zero();
    first_configured_ms_.emplace(peer->pubkey, now_ms);
    HandshakeStarter::Decision start = starter_.decide(peer->pubkey, ever_handshaked, now_ms);
    if (!start.keepalive) d.persistent_keepalive = 0;  // answer, don't cross (handshake_starter.h)
    // Only an entry that exists can be restarted; a new one initiates by being added.
    if (start.kick && dev != device_peers.end()) kicks_.insert(peer->pubkey);
    bool fresh_handshake =
        dev != device_peers.end() && !dev->second->last_handshake.is_zero() &&
        now_s - dev->second->last_handshake.sec < settings_.trust_roamed_endpoint_s;
    std::string endpoint = store_.endpoint_of(*peer);
    if (!endpoint.empty() && !fresh_handshake) {
      auto ep = wg::Endpoint::parse(endpoint);
      if (ep.ok()) d.endpoint = *ep;
    }
    auto& mesh = mesh_of[peer->pubkey];
    mesh.first = *mesh4;
    claims.push_back({peer->pubkey, carrier,
                      wg::IpPrefix{*mesh4, mesh4->is_v4() ? uint8_t(32) : uint8_t(128)}, true});
    if (!peer->mesh_ipv6.empty()) {
      auto mesh6 = wg::IpAddress::parse(peer->mesh_ipv6);
      if (mesh6.ok()) {
        if (!mesh6->is_v4()) mesh.second = *mesh6;
        claims.push_back({peer->pubkey, carrier,
                          wg::IpPrefix{*mesh6, mesh6->is_v4() ? uint8_t(32) : uint8_t(128)}, true});
      }
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
          log_warn("reconcile",
                   "ignoring network " + c.to_string() + " advertised by " +
                       peer->pubkey.substr(0, 16) +
                       "...: it would cover this node's own address or the default route");
        continue;
      }
      claims.push_back({peer->pubkey, carrier, c, false});
    }
    // A relayed peer keeps its own entry, without allowed IPs, so that WireGuard keeps
    // attempting the direct handshake: that handshake (seen by both ends at once) is the
    // shared evidence that brings both back to direct, and its absence is what made both
    // relay (relay_policy.h). force_relay is different: it is one-sided by nature, so, as in
    // the original, the direct entry is removed; the other end's handshakes to us then go
    // unanswered, it sees no handshake and relays us too, and both agree again.
    if (relay.empty() || !settings_.force_relay) wanted.emplace(peer->pubkey, std::move(d));
  }

  // Each prefix goes to exactly one peer (WireGuard would silently move it to whichever was
  // written last): a peer's own address beats a routed network; then the lower key wins.
  // Ownership is decided by the peer the prefix belongs to, not by its carrier, so relaying
  // never changes which peer wins a contested prefix.
  std::sort(claims.begin(), claims.end(), [](const Claim& a, const Claim& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    if (a.mesh_address != b.mesh_address) return a.mesh_address;
    return a.pubkey < b.pubkey;
  });
  for (size_t i = 0; i < claims.size(); ++i) {
    if (i > 0 && claims[i].prefix == claims[i - 1].prefix) continue;
    const Claim& c = claims[i];
    auto carrier = wanted.find(c.carrier);
    if (carrier == wanted.end()) continue;  // the relay is always configured; be defensive
    carrier->second.allowed_ips.push_back(c.prefix);
    if (c.mesh_address) continue;
    std::optional<wg::IpAddress> gateway;
    if (c.carrier != c.pubkey) {
      // Through the relay's mesh address of the same family (§7). Without one (an IPv6
      // network and a relay without IPv6), a device route still reaches the relay: WireGuard
      // picks the peer by allowed IPs.
      const auto& mesh = mesh_of[c.carrier];
      gateway = c.prefix.address.is_v4() ? mesh.first : mesh.second;
      if (gateway && gateway->family() != c.prefix.family()) gateway.reset();
    }
    routes.push_back(wg::Route{c.prefix, gateway});
  }

  std::set<std::string> configured;
  for (const auto& [k, d] : wanted) configured.insert(k);
  starter_.retain(configured);
  wg::DesiredDevice device;
  for (auto& [k, d] : wanted) device.peers.push_back(std::move(d));
  return device;
}

// A kick restarts a first initiation now instead of after WireGuard's 5 s REKEY_TIMEOUT:
// removing the peer and adding it again in the same write gives it fresh handshake state,
// and the keepalive makes WireGuard initiate at once. Only peers that never completed a
// handshake are kicked, so no session is lost.
void Reconciler::add_kicks(const wg::DesiredDevice& want, wg::DeviceUpdate& update) const {
  if (kicks_.empty()) return;  // the usual case: no key encoding per peer
  for (const auto& d : want.peers) {
    if (!kicks_.count(d.public_key.to_base64())) continue;
    std::erase_if(update.peers,
                  [&](const wg::PeerConfig& p) { return p.public_key == d.public_key; });
    wg::PeerConfig gone;
    gone.public_key = d.public_key;
    gone.remove = true;
    update.peers.push_back(gone);
    wg::PeerConfig again;
    again.public_key = d.public_key;
    if (d.preshared_key && !d.preshared_key->is_zero()) again.preshared_key = d.preshared_key;
    again.endpoint = d.endpoint;
    if (d.persistent_keepalive) again.persistent_keepalive = d.persistent_keepalive;
    again.replace_allowed_ips = true;
    again.allowed_ips = wg::canonical_set(d.allowed_ips);
    update.peers.push_back(std::move(again));
  }
}

void Reconciler::schedule_starter() {
  if (!debounce_) return;  // not started (tests drive run_once directly)
  std::optional<int64_t> due = starter_.next_due_ms();
  if (!due) {
    if (deferred_) deferred_->stop();
    return;
  }
  if (!deferred_) deferred_ = std::make_unique<Timer>(loop_);
  const int64_t delay = std::max<int64_t>(*due - now_ms(), 0) + 5;
  deferred_->start(static_cast<uint64_t>(delay), 0, [this] {
    Status st = run_once();  // a fresh read: kicks must see handshakes that just happened
    (void)st;
  });
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
      log_warn("reconcile",
               "peer " + peer.public_key.to_base64().substr(0, 16) + "...: " + s.message());
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
    bool keep =
        std::any_of(wanted.begin(), wanted.end(), [&](const wg::Route& w) { return same(w, r); });
    if (keep) continue;
    Status st = routes_->delete_route(settings_.ifname, r);
    if (st.ok())
      ++stats_.routes_removed;
    else
      log_warn("reconcile",
               "cannot remove route " + r.destination.to_string() + ": " + st.message());
  }
  for (const auto& w : wanted) {
    bool have = std::any_of(current->begin(), current->end(),
                            [&](const wg::Route& r) { return same(w, r); });
    if (have) continue;
    Status st = routes_->replace_route(settings_.ifname, w);
    if (st.ok())
      ++stats_.routes_added;
    else
      log_warn("reconcile", "cannot add route " + w.destination.to_string() + ": " + st.message());
  }
}

Status Reconciler::run_once(bool fresh_read) {
  auto t0 = std::chrono::steady_clock::now();
  ++stats_.runs;
  if (fresh_read || !cached_) {
    auto read = backend_.get_device();
    if (!read.ok()) {
      stats_.last_error = read.message();
      metrics_.add("reconcile.read_errors");
      log_warn("reconcile", "cannot read WireGuard device: " + read.message());
      return read.error();
    }
    remember(*read);
    cached_ = std::move(*read);
    last_read_ms_ = now_ms();
    metrics_.add("reconcile.device_reads");
  }
  const wg::DeviceState* actual = &*cached_;
  ensure_forwarding();
  std::vector<const PeerRecord*> peers = configurable_peers();
  DevicePeers device_peers;
  for (const auto& p : actual->peers) device_peers[p.public_key.to_base64()] = &p;
  plan_relays(device_peers, peers);
  std::vector<wg::Route> routes;
  wg::DesiredDevice want = desired(device_peers, peers, routes);
  auto update = wg::compute_update(*actual, want);
  if (update.ok()) add_kicks(want, *update);
  Status result;
  if (!update.ok()) {
    stats_.last_error = update.message();
    log_warn("reconcile", update.message());
    result = update.error();
  } else if (!update->empty()) {
    for (const auto& p : update->peers) {
      if (p.remove)
        ++stats_.peers_removed;
      else if (p.update_only)
        ++stats_.peers_changed;
      else
        ++stats_.peers_added;
    }
    ++stats_.applies;
    if (Logger::instance().enabled(LogLevel::Debug)) {
      std::string what;
      for (const auto& p : update->peers)
        what +=
            " " +
            std::string(p.remove        ? "-"
                        : p.update_only ? "~"
                                        : "+") +
            p.public_key.to_base64().substr(0, 8) +
            (p.persistent_keepalive ? "(ka " + std::to_string(*p.persistent_keepalive) + ")" : "");
      log_debug("reconcile", "applying:" + what);
    }
    result = apply(*update);
    if (result.ok()) {
      wg::apply_update_to_state(*cached_, *update);
    } else {
      stats_.last_error = result.message();
      cached_.reset();  // what landed is unknown: the next pass reads the device
    }
  }
  sync_routes(routes);
  last_routes_ = std::move(routes);
  schedule_starter();
  stats_.last_duration_us = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
          .count());
  metrics_.add("reconcile.runs");
  metrics_.set("reconcile.last_duration_us", static_cast<int64_t>(stats_.last_duration_us));
  return result;
}

}  // namespace wgmesh
