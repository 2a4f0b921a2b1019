#include "mesh/health.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "runtime/logger.h"
#include "runtime/udp_socket.h"

namespace wgmesh {
namespace {

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// A TCP socket bound to the WireGuard interface and (for clients) our mesh address, so probe
// traffic can only ever travel through the tunnel.
int tunnel_socket(int family, const std::string& ifname) {
  int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (!ifname.empty())
    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(),
               static_cast<socklen_t>(ifname.size()));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// The address as format_ip writes it ("" if not an IP), so a peer's configured mesh address
// and a connection's source compare equal however the peer spelled its address.
std::string canonical_ip(const std::string& ip) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  return make_socket_address(ip, 0, ss, len) ? format_ip(reinterpret_cast<sockaddr*>(&ss)) : "";
}

// How much tx growth in one tick a probe exchange may explain (ping, the ACK of the pong,
// and on a new connection the TCP handshake: ~450 bytes with WireGuard's overhead). More
// than this beside a probe is data, so a busy peer keeps the busy interval.
constexpr uint64_t kProbeTxAllowance = 1024;

}  // namespace

// One persistent probe connection to a peer.
struct HealthMonitor::Session {
  int fd = -1;
  std::function<void(int, int)> on_event;  // kept so the watch can be re-armed
  bool connected = false;
  bool awaiting = false;
  int64_t sent_ms = 0;
  std::string inbox;
  std::unique_ptr<FdWatch> watch;
  ~Session() {
    watch.reset();
    if (fd >= 0) ::close(fd);
  }
};

// One accepted connection on the probe server.
struct HealthMonitor::ServerConn {
  int fd = -1;
  int64_t last_ms = 0;
  std::string peer_ip;  // canonical source address: whose probes these are
  std::string inbox;
  std::unique_ptr<FdWatch> watch;
  ~ServerConn() {
    watch.reset();
    if (fd >= 0) ::close(fd);
  }
};

HealthMonitor::HealthMonitor(EventLoop& loop, PeerStore& store, Reconciler& reconciler,
                             Metrics& metrics, HealthSettings settings)
    : loop_(loop),
      store_(store),
      reconciler_(reconciler),
      metrics_(metrics),
      settings_(std::move(settings)) {}

HealthMonitor::~HealthMonitor() { stop(); }

Status HealthMonitor::start() {
  open_listeners();
  timer_ = std::make_unique<Timer>(loop_);
  schedule(settings_.interval_ms);
  return {};
}

void HealthMonitor::set_mesh_ipv4(const std::string& ip) {
  if (ip == settings_.mesh_ip) return;
  settings_.mesh_ip = ip;
  sessions_.clear();    // bound to the old source address, which no longer exists
  if (!timer_) return;  // not started: start() binds the new address
  close_listeners();
  open_listeners();
}

void HealthMonitor::open_listeners() {
  for (const std::string& ip : {settings_.mesh_ip, settings_.mesh_ipv6}) {
    if (ip.empty()) continue;
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (!make_socket_address(ip, settings_.probe_port, ss, len)) continue;
    int fd = tunnel_socket(ss.ss_family, settings_.ifname);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ss.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    // IP_FREEBIND: the address may still be tentative (IPv6 DAD) right after assignment.
    setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, 64) != 0) {
      log_warn("health", "probe server cannot listen on " +
                             format_socket_address(reinterpret_cast<sockaddr*>(&ss)) + ": " +
                             std::strerror(errno));
      ::close(fd);
      continue;
    }
    auto watch = std::make_unique<FdWatch>(loop_, fd);
    watch->start(UV_READABLE, [this, fd](int status, int) {
      if (status >= 0) accept_ready(fd);
    });
    listen_fds_.push_back(fd);
    listen_watches_.push_back(std::move(watch));
  }
  if (listen_fds_.empty())
    log_warn("health", "mesh probe server not running (no address could be bound)");
  else
    log_info("health",
             "mesh probe server listening on tcp/" + std::to_string(settings_.probe_port));
}

void HealthMonitor::close_listeners() {
  listen_watches_.clear();
  for (int fd : listen_fds_) ::close(fd);
  listen_fds_.clear();
}

void HealthMonitor::stop() {
  timer_.reset();
  sessions_.clear();
  server_conns_.clear();
  close_listeners();
}

bool HealthMonitor::is_offline(const std::string& pubkey) const {
  auto it = offline_until_.find(pubkey);
  return it != offline_until_.end() && wall_ms() < it->second;
}

void HealthMonitor::accept_ready(int listen_fd) {
  for (int i = 0; i < 16; ++i) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&from), &from_len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    if (server_conns_.size() >= 256) {  // a bound on what any peer can make us hold
      ::close(fd);
      metrics_.add("health.probe_server_refused");
      continue;
    }
    auto conn = std::make_unique<ServerConn>();
    conn->fd = fd;
    conn->last_ms = wall_ms();
    conn->peer_ip = format_ip(reinterpret_cast<sockaddr*>(&from));
    conn->watch = std::make_unique<FdWatch>(loop_, fd);
    ServerConn* raw = conn.get();
    conn->watch->start(UV_READABLE, [this, raw, fd](int status, int) {
      char buf[256];
      ssize_t n = status < 0 ? -1 : ::read(fd, buf, sizeof buf);
      if (n <= 0 || raw->inbox.size() > 1024) {
        server_conns_.erase(fd);
        return;
      }
      raw->last_ms = wall_ms();
      raw->inbox.append(buf, static_cast<size_t>(n));
      size_t nl;
      while ((nl = raw->inbox.find('\n')) != std::string::npos) {
        std::string line = raw->inbox.substr(0, nl);
        raw->inbox.erase(0, nl + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line == "ping") {
          ssize_t w = ::send(fd, "pong\n", 5, MSG_NOSIGNAL | MSG_DONTWAIT);
          (void)w;
          if (!raw->peer_ip.empty()) answered_from_.insert(raw->peer_ip);
        }
      }
    });
    server_conns_[fd] = std::move(conn);
  }
}

void HealthMonitor::schedule(uint64_t delay_ms) {
  if (timer_) timer_->start(delay_ms, 0, [this] { tick(); });
}

void HealthMonitor::rearm() {
  // A suspect peer (probe out or failing) is looked at more often.
  bool suspect = std::any_of(sessions_.begin(), sessions_.end(),
                             [](const auto& kv) { return kv.second->awaiting; });
  for (const auto& [k, h] : peers_) suspect = suspect || h.failures > 0;
  const uint64_t interval = suspect         ? settings_.suspect_interval_ms
                            : data_flowing_ ? settings_.interval_ms
                                            : settings_.idle_interval_ms;
  // Counted from the end of the last tick, as always: silences are measured between tick
  // starts and compared with quiet_ms, a multiple of the idle interval, so ticks must not
  // come a hair early (a 29 999 ms silence would wait a whole extra tick for its probe).
  const uint64_t since = static_cast<uint64_t>(std::max<int64_t>(wall_ms() - last_tick_end_ms_, 0));
  schedule(since >= interval ? 0 : interval - since);
}

void HealthMonitor::tick() {
  // Re-arm when done, whatever path leaves this function.
  struct Rearm {
    HealthMonitor* self;
    ~Rearm() {
      self->answered_from_.clear();  // sources that matched no peer this tick
      self->last_tick_end_ms_ = wall_ms();
      self->rearm();
    }
  } rearm{this};
  const int64_t now = wall_ms();
  // Idle server connections are closed after server_idle_ms (see HealthSettings).
  for (auto it = server_conns_.begin(); it != server_conns_.end();)
    it = now - it->second->last_ms > static_cast<int64_t>(settings_.server_idle_ms)
             ? server_conns_.erase(it)
             : std::next(it);
  for (auto it = offline_until_.begin(); it != offline_until_.end();)
    it = now >= it->second ? offline_until_.erase(it) : std::next(it);

  if (!reconciler_.refresh_facts().ok()) return;
  data_flowing_ = false;
  // Peers checked in this pass carry its number (no per-tick set of keys to allocate).
  const uint64_t pass = ++tick_count_;
  for (const PeerRecord* peer : store_.active()) {
    const wg::PeerState* wg = reconciler_.facts(peer->pubkey);
    if (!wg || peer->mesh_ip.empty()) continue;  // not configured: nothing to check
    auto [slot_it, inserted] = peers_.try_emplace(peer->pubkey);
    PeerHealth& h = slot_it->second;
    h.pass = pass;
    if (!answered_from_.empty() &&
        (answered_from_.count(canonical_ip(peer->mesh_ip)) ||
         (!peer->mesh_ipv6.empty() && answered_from_.count(canonical_ip(peer->mesh_ipv6)))))
      h.probe_traffic = true;  // we answered its probe: our pong is in its tx
    if (inserted) {            // first sight: silence is measured from now
      h.last_rx = wg->rx_bytes;
      h.last_tx = wg->tx_bytes;
      h.last_rx_change_ms = now;
    }
    // rx growth only says "no need to probe yet": a failed probe itself makes rx grow
    // (the peer's kernel answers with a reset), so only a pong clears failures.
    if (wg->rx_bytes != h.last_rx) {
      h.last_rx = wg->rx_bytes;
      h.last_rx_change_ms = now;
      if (wg->rx_bytes > 0 && h.failures == 0) h.ever_alive = true;
    }
    // A completed handshake proves the peer was there: the new-peer grace no longer applies.
    if (!wg->last_handshake.is_zero() && h.failures == 0) h.ever_alive = true;
    if (h.failures > 0) h.last_rx_change_ms = 0;  // a failing peer is probed every tick
    Session* s = nullptr;
    if (auto it = sessions_.find(peer->pubkey); it != sessions_.end()) s = it->second.get();
    if (s && s->awaiting && now - s->sent_ms > static_cast<int64_t>(settings_.probe_timeout_ms)) {
      const std::string key = peer->pubkey;  // `peer` dies if this failure evicts it
      sessions_.erase(key);
      s = nullptr;
      on_probe_result(key, false, 0);
      if (!store_.get(key)) continue;  // evicted
      probe(*peer);  // the next attempt starts at once: a dead peer is gone in seconds
      continue;
    }
    if (s && s->awaiting) continue;
    // Sending real data (more than a 32-byte keepalive since the last tick) with nothing
    // coming back is the fast signal; long silence is the slow one.
    // A relayed peer's own entry carries no allowed IPs: what it sends are handshake
    // attempts, not data, and its traffic flows through the relay's entry.
    const uint64_t allowance = 64 + (h.probe_traffic ? kProbeTxAllowance : 0);
    bool sending = !wg->allowed_ips.empty() && wg->tx_bytes > h.last_tx + allowance;
    h.last_tx = wg->tx_bytes;
    h.probe_traffic = false;
    data_flowing_ = data_flowing_ || sending;
    int64_t silent = now - h.last_rx_change_ms;
    bool suspect = silent >= static_cast<int64_t>(settings_.quiet_ms) ||
                   (sending && silent >= static_cast<int64_t>(settings_.busy_quiet_ms));
    if (!suspect) continue;
    log_debug("health", "probing " + peer->pubkey.substr(0, 16) + "... (silent " +
                            std::to_string(silent) + " ms" + (sending ? ", sending" : "") + ")");
    probe(*peer);
  }
  for (auto it = peers_.begin(); it != peers_.end();) {
    if (it->second.pass != pass) {
      sessions_.erase(it->first);
      it = peers_.erase(it);
    } else {
      ++it;
    }
  }
}

void HealthMonitor::probe(const PeerRecord& peer) {
  auto& slot = sessions_[peer.pubkey];
  if (!slot) {
    std::string target =
        (!settings_.no_ipv6 && !peer.mesh_ipv6.empty() && !settings_.mesh_ipv6.empty())
            ? peer.mesh_ipv6
            : peer.mesh_ip;
    sockaddr_storage dst{};
    socklen_t dst_len = 0;
    if (!make_socket_address(target, settings_.probe_port, dst, dst_len)) return;
    auto s = std::make_unique<Session>();
    s->fd = tunnel_socket(dst.ss_family, settings_.ifname);
    if (s->fd < 0) return;
    std::string local_ip = dst.ss_family == AF_INET6 ? settings_.mesh_ipv6 : settings_.mesh_ip;
    sockaddr_storage src{};
    socklen_t src_len = 0;
    if (make_socket_address(local_ip, 0, src, src_len))
      (void)::bind(s->fd, reinterpret_cast<sockaddr*>(&src), src_len);
    int rc = ::connect(s->fd, reinterpret_cast<sockaddr*>(&dst), dst_len);
    if (rc != 0 && errno != EINPROGRESS) {
      on_probe_result(peer.pubkey, false, 0);
      return;
    }
    std::string key = peer.pubkey;
    Session* raw = s.get();
    s->watch = std::make_unique<FdWatch>(loop_, s->fd);
    // Writable first: the connect completes (or fails) asynchronously; only then is the ping
    // sent. Readable afterwards: the pong, or the end of the connection.
    s->on_event = [this, key, raw](int status, int events) {
      if (status < 0) {
        bool was_awaiting = raw->awaiting;
        sessions_.erase(key);
        if (was_awaiting) on_probe_result(key, false, 0);
        return;
      }
      if ((events & UV_WRITABLE) && !raw->connected) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(raw->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          sessions_.erase(key);  // refused or unreachable
          on_probe_result(key, false, 0);
          return;
        }
        raw->connected = true;
        if (raw->awaiting) {
          ssize_t w = ::send(raw->fd, "ping\n", 5, MSG_NOSIGNAL | MSG_DONTWAIT);
          (void)w;
        }
        raw->watch->start(UV_READABLE, raw->on_event);
        return;
      }
      if (!(events & UV_READABLE)) return;
      char buf[64];
      ssize_t n = ::read(raw->fd, buf, sizeof buf);
      if (n <= 0) {
        bool was_awaiting = raw->awaiting;
        sessions_.erase(key);  // destroys raw
        if (was_awaiting) on_probe_result(key, false, 0);
        return;
      }
      raw->inbox.append(buf, static_cast<size_t>(n));
      if (raw->inbox.find("pong\n") != std::string::npos) {
        raw->inbox.clear();
        raw->awaiting = false;
        on_probe_result(key, true, static_cast<double>(wall_ms() - raw->sent_ms));
      } else if (raw->inbox.size() > 64) {
        sessions_.erase(key);
      }
    };
    s->watch->start(UV_READABLE | UV_WRITABLE, s->on_event);
    slot = std::move(s);
  }
  Session* s = slot.get();
  if (s->connected) {  // otherwise the ping goes out once the connect completes
    ssize_t w = ::send(s->fd, "ping\n", 5, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)w;
  }
  s->awaiting = true;
  s->sent_ms = wall_ms();
  if (auto h = peers_.find(peer.pubkey); h != peers_.end()) h->second.probe_traffic = true;
  metrics_.add("health.probes_sent");
}

void HealthMonitor::on_probe_result(std::string pubkey, bool ok, double rtt_ms) {
  PeerHealth& h = peers_[pubkey];
  if (ok) {
    metrics_.add("health.probes_ok");
    h.failures = 0;
    h.ever_alive = true;
    // A pong is as good as received traffic: a peer whose own counters stay still (relayed
    // through another entry) is then probed once per quiet period, not on every tick.
    h.last_rx_change_ms = wall_ms();
    store_.set_latency(pubkey, rtt_ms);
    // The tick that sent this probe armed the short suspect interval so that it would
    // settle it; answered, it needs no early tick (one device read saved per probe).
    if (timer_) rearm();
    return;
  }
  metrics_.add("health.probes_failed");
  ++h.failures;
  log_debug("health", "probe of " + pubkey.substr(0, 16) + "... failed (" +
                          std::to_string(h.failures) + " in a row)");
  const PeerRecord* peer = store_.get(pubkey);
  if (!peer) return;
  // A brand-new peer that never answered may still be completing its first handshake.
  if (!h.ever_alive && wall_ms() - peer->first_seen_ms < settings_.grace_ms) return;
  if (h.failures >= settings_.fail_limit) evict(pubkey);
}

void HealthMonitor::evict(std::string pubkey) {
  log_info("health", "evicting unresponsive peer " + pubkey.substr(0, 16) + "... (" +
                         std::to_string(peers_[pubkey].failures) + " failed probes)");
  metrics_.add("health.evictions");
  offline_until_[pubkey] = wall_ms() + settings_.offline_ms;
  sessions_.erase(pubkey);
  peers_.erase(pubkey);
  store_.remove(pubkey, /*tombstone=*/false);
  if (on_evict_) on_evict_(pubkey);
  reconciler_.request();
}

}  // namespace wgmesh
