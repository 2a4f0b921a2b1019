#include "plugin/lan_plugin.h"

#include <netinet/in.h>

#include <string_view>
#include <utility>

#include "core/lan_report.h"
#include "core/outgoing.h"

namespace wgmesh::lan {
namespace {

constexpr const char* kLabel = "lan";
constexpr int kLanRank = 100;  // discovery.md §2.5: LAN beats every other source
// Re-join the group this often: the host joins only the interfaces that exist at the time
// of the call (there is no interface-change event in the ABI), so a cable plugged in or a
// VLAN created after start is picked up within this period.
constexpr uint64_t kRejoinIntervalMs = 30000;
constexpr uint64_t kRejoinSlackMs = 5000;  // an announcement due this soon joins a rejoin
constexpr uint64_t kLogThrottleMs = 60000;
constexpr size_t kMaxTrackedSources = 4096;  // §2.6
constexpr size_t kMaxTrackedPeers = 4096;

// A peer not heard for this long is "new" again when it reappears, and is answered at once.
// A live C++ peer is heard at least once per max_interval_ms (announcements come early, with
// the group rejoin, never late), a Go peer every 5 s; one interval plus slack without a
// sighting means it missed an announcement: it was most likely down, and a restarted node
// has forgotten us (it would otherwise wait up to a whole interval for our next one — 15 s
// measured after an eviction and restart with the earlier 2 x 30 s + 5 s window). A datagram
// lost on the LAN costs one extra announcement, nothing more.
uint64_t forget_after_ms(const LanConfig& c) {
  uint64_t interval = c.compat_fixed_interval_ms ? c.compat_fixed_interval_ms : c.max_interval_ms;
  return interval + 5000;
}

std::optional<uint16_t> parse_port(const std::string& text) {
  if (!is_valid_port(text)) return std::nullopt;
  return static_cast<uint16_t>(std::stoul(text));
}

struct Opened {
  bool ok = false;
  std::string type;
  std::string payload;
};

void on_open(void* user, const char* type, const char* payload, size_t len) {
  auto* opened = static_cast<Opened*>(user);
  try {  // runs inside the host's envelope_open: nothing may escape
    opened->type = type ? type : "";
    opened->payload.assign(payload ? payload : "", payload ? len : 0);
    opened->ok = true;
  } catch (...) {
    opened->ok = false;
  }
}

}  // namespace

int LanPlugin::create(const wgm_host_api* host, wgm_ctx* ctx, std::unique_ptr<LanPlugin>& out) {
  if (!host || host->abi_major != WGMESH_ABI_MAJOR || !WGM_HOST_HAS(host, counter_add))
    return WGM_ERR_UNSUPPORTED;
  LanConfig config;
  std::string error;
  std::string json = wgm::fetch_json(host, &wgm_host_api::config_json, ctx);
  if (!parse_lan_config(json.empty() ? "{}" : json, config, error)) {
    host->log(ctx, WGM_LOG_ERROR, ("invalid configuration: " + error).c_str());
    return WGM_ERR_INVALID;
  }
  auto group = wgm::key_text(host, ctx, "multicast_group");
  auto port_text = wgm::key_text(host, ctx, "lan_port");
  auto port = port_text ? parse_port(*port_text) : std::nullopt;
  if (!group || group->empty() || !port) {
    host->log(ctx, WGM_LOG_ERROR,
              "cannot get the multicast group and LAN port from the host (is a mesh secret "
              "configured?)");
    return WGM_ERR_STATE;
  }
  std::optional<Ipv4Prefix> mesh_subnet;
  if (auto subnet = wgm::key_text(host, ctx, "mesh_subnet"))
    mesh_subnet = Ipv4Prefix::parse(*subnet);

  int rc = host->peer_register_source(ctx, kLabel, kLanRank, WGM_SOURCE_LAN);
  if (rc != WGM_OK) {
    wgm::logf(host, ctx, WGM_LOG_ERROR, "cannot register the \"lan\" peer source (status %d)", rc);
    return rc;
  }
  out = std::make_unique<LanPlugin>(Token{}, host, ctx, std::move(config), std::move(*group), *port,
                                    mesh_subnet);
  return WGM_OK;
}

LanPlugin::LanPlugin(Token, const wgm_host_api* host, wgm_ctx* ctx, LanConfig config,
                     std::string group, uint16_t port, std::optional<Ipv4Prefix> mesh_subnet)
    : host_(host),
      ctx_(ctx),
      config_(std::move(config)),
      group_(std::move(group)),
      port_(port),
      mesh_subnet_(mesh_subnet),
      scheduler_(ScheduleParams{config_.min_interval_ms, config_.max_interval_ms,
                                config_.compat_fixed_interval_ms}),
      limiter_(RateLimitParams{10.0, 20.0, kMaxTrackedSources}),
      tracker_(forget_after_ms(config_), kMaxTrackedPeers),
      log_throttle_(kLogThrottleMs) {}

LanPlugin::~LanPlugin() { stop(); }

int LanPlugin::start() {
  if (started_) return WGM_OK;
  // Receiver: the fixed LAN port on all addresses, shared with other listeners (another
  // mesh on this machine, a debugging tool). The system-default receive buffer replaces
  // Go's 4 KB one, which dropped bursts.
  wgm_udp_options rx{};
  rx.struct_size = sizeof rx;
  rx.family = AF_INET;
  rx.port = port_;
  rx.flags = WGM_UDP_REUSEADDR;
  int rc = receiver_.open(host_, ctx_, rx, &LanPlugin::on_datagram_cb, this);
  if (rc != WGM_OK) {
    wgm::logf(host_, ctx_, WGM_LOG_ERROR, "cannot listen on 0.0.0.0:%u (status %d)",
              static_cast<unsigned>(port_), rc);
    return rc;
  }
  // Sender: an ephemeral port like Go's per-send socket; TTL 1 keeps announcements on the
  // segment, loopback on lets a second instance on this machine hear us (we drop our own).
  wgm_udp_options tx{};
  tx.struct_size = sizeof tx;
  tx.family = AF_INET;
  tx.flags = WGM_UDP_NO_RECV;
  rc = sender_.open(host_, ctx_, tx, nullptr, nullptr);
  if (rc == WGM_OK) {
    rc = host_->udp_set_option(ctx_, sender_.get(), WGM_UDP_OPT_MCAST_TTL, 1);
    if (rc == WGM_OK) rc = host_->udp_set_option(ctx_, sender_.get(), WGM_UDP_OPT_MCAST_LOOP, 1);
  }
  if (rc != WGM_OK) {
    wgm::logf(host_, ctx_, WGM_LOG_ERROR, "cannot set up the multicast sender (status %d)", rc);
    receiver_.close();
    sender_.close();
    return rc;
  }
  local_sub_.assign(host_, ctx_,
                    host_->local_subscribe(ctx_, &LanPlugin::on_local_changed_cb, this));
  refresh_own_pubkey();
  started_ = true;

  uint64_t t = now();
  join_groups(t);
  std::string ifaces;
  for (const auto& i : config_.interfaces) ifaces += (ifaces.empty() ? "" : ",") + i;
  if (scheduler_.adaptive()) {
    wgm::logf(host_, ctx_, WGM_LOG_INFO,
              "LAN discovery on %s:%u (interfaces: %s), announcing every %llu..%llu ms",
              group_.c_str(), static_cast<unsigned>(port_), ifaces.empty() ? "all" : ifaces.c_str(),
              static_cast<unsigned long long>(config_.min_interval_ms),
              static_cast<unsigned long long>(config_.max_interval_ms));
  } else {
    wgm::logf(host_, ctx_, WGM_LOG_INFO,
              "LAN discovery on %s:%u (interfaces: %s), announcing every %llu ms (compat)",
              group_.c_str(), static_cast<unsigned>(port_), ifaces.empty() ? "all" : ifaces.c_str(),
              static_cast<unsigned long long>(config_.compat_fixed_interval_ms));
  }
  scheduler_.start(t);
  on_timer();  // the first announcement goes out now, not one loop turn later
  return WGM_OK;
}

void LanPlugin::stop() {
  timer_.stop();
  local_sub_.reset();
  receiver_.close();
  sender_.close();
  started_ = false;
}

// ---- C trampolines -----------------------------------------------------------------------

void LanPlugin::on_datagram_cb(void* user, const uint8_t* data, size_t len, const sockaddr* from,
                               socklen_t from_len) {
  auto* self = static_cast<LanPlugin*>(user);
  wgm::guarded(self->host_, self->ctx_, [&] {
    self->on_datagram(data, len, from, from_len);
    return 0;
  });
}

void LanPlugin::on_timer_cb(void* user) {
  auto* self = static_cast<LanPlugin*>(user);
  wgm::guarded(self->host_, self->ctx_, [&] {
    self->on_timer();
    return 0;
  });
}

void LanPlugin::on_local_changed_cb(void* user) {
  auto* self = static_cast<LanPlugin*>(user);
  wgm::guarded(self->host_, self->ctx_, [&] {
    self->on_local_changed();
    return 0;
  });
}

// ---- receive -----------------------------------------------------------------------------

void LanPlugin::on_datagram(const uint8_t* data, size_t len, const sockaddr* from,
                            socklen_t from_len) {
  if (!started_) return;
  count("received");
  uint64_t t = now();
  std::string source = format_source_ip(from, from_len);
  if (source.empty()) {
    count("dropped_invalid");
    return;
  }
  // Rate limit before anything costly (the envelope open is AES-GCM).
  if (!limiter_.allow(source, t)) {
    count("dropped_rate");
    throttled_log("rate", WGM_LOG_WARN, "rate limit hit by " + source + "; dropping its datagrams");
    return;
  }
  // A "LAN" datagram whose source is a mesh address came through the tunnel (e.g. a peer
  // that routes multicast into WireGuard); taking that address as the WireGuard endpoint
  // would point the tunnel into itself.
  if (mesh_subnet_ && mesh_subnet_->contains(source)) {
    count("dropped_mesh_source");
    throttled_log("mesh", WGM_LOG_DEBUG, "ignoring a LAN announcement from mesh address " + source);
    return;
  }
  // The host authenticates, checks the age window and the replay cache, and validates the
  // announcement strictly (as Go's LAN receiver does).
  Opened opened;
  int rc =
      host_->envelope_open(ctx_, data, len, WGM_OPEN_STRICT, from, from_len, &on_open, &opened);
  if (rc != WGM_OK || !opened.ok) {
    count("dropped_auth");
    throttled_log(
        "auth", WGM_LOG_DEBUG,
        "dropped a LAN datagram from " + source + " (open status " + std::to_string(rc) + ")");
    return;
  }
  // Go nodes only multicast ANNOUNCE; any other (unauthenticated) type label is not ours.
  if (opened.type != "ANNOUNCE") {
    count("dropped_type");
    return;
  }
  LanReport report;
  std::string error;
  if (!build_lan_report(opened.payload, source, report, error)) {
    count("dropped_invalid");
    throttled_log("invalid", WGM_LOG_DEBUG,
                  "dropped an announcement from " + source + ": " + error);
    return;
  }
  if (report.pubkey == own_pubkey_) {
    count("dropped_own");  // our own datagram, looped back or heard on another interface
    return;
  }
  rc = host_->peer_report(ctx_, kLabel, report.json.c_str(), report.json.size());
  if (rc != WGM_OK) {
    count("report_errors");
    throttled_log("report", WGM_LOG_WARN,
                  "the host refused a LAN report (status " + std::to_string(rc) + ")");
    return;
  }
  count("accepted");
  if (tracker_.observe(report.pubkey, t)) {
    wgm::logf(host_, ctx_, WGM_LOG_INFO, "LAN peer %s... at %s",
              wgm::short_key(report.pubkey).c_str(), source.c_str());
    // Answer a newcomer at once so it learns about us now rather than at our next
    // (possibly 30 s away) periodic announcement.
    if (scheduler_.trigger(AnnounceScheduler::Trigger::NewPeer, t)) arm_timer();
  }
}

// ---- send --------------------------------------------------------------------------------

void LanPlugin::on_timer() {
  if (!started_) return;
  uint64_t t = now();
  // An announcement due within kRejoinSlackMs of a rejoin goes out with it. Why: both run
  // every 30 s in the steady state but started a few seconds apart, so they cost two
  // wakeups a moment apart twice a minute; sent early once, the announcement falls into
  // step with the rejoin for good. Earlier is always within every receiver's expiry
  // window. Not in compat mode, whose fixed grid is the original's.
  bool rejoined = false;
  if (t - last_join_ms_ >= kRejoinIntervalMs) {
    join_groups(t);
    rejoined = true;
  }
  if (scheduler_.due(t) ||
      (rejoined && scheduler_.adaptive() && scheduler_.next_due() <= t + kRejoinSlackMs))
    announce(t);
  arm_timer();
}

void LanPlugin::on_local_changed() {
  if (!started_) return;
  refresh_own_pubkey();
  if (scheduler_.trigger(AnnounceScheduler::Trigger::LocalChange, now())) arm_timer();
}

void LanPlugin::announce(uint64_t t) {
  // Whatever happens below, the attempt advances the schedule: a failing send must not turn
  // into a tight retry loop.
  scheduler_.sent(t);
  // The local announcement without known_peers, exactly what Go multicasts.
  std::string payload = wgm::fetch_json(host_, &wgm_host_api::local_announcement, ctx_, 0u);
  if (payload.empty()) {
    count("send_errors");
    throttled_log("payload", WGM_LOG_WARN, "the host gave no local announcement");
    return;
  }
  // The key in what we send is exactly the one our looped-back datagrams will carry.
  if (std::string key = pubkey_of(payload); !key.empty()) own_pubkey_ = std::move(key);
  std::string datagram = seal(payload);
  if (datagram.empty()) return;
  if (!fits_lan_datagram(datagram.size())) {
    size_t full = datagram.size();
    auto trimmed = without_routable_networks(payload);
    datagram = trimmed ? seal(*trimmed) : std::string();
    if (datagram.empty() || !fits_lan_datagram(datagram.size())) {
      count("dropped_oversize");
      throttled_log("oversize", WGM_LOG_ERROR,
                    "LAN announcement of " + std::to_string(full) +
                        " bytes exceeds the 4095-byte limit of Go receivers; not sent");
      return;
    }
    count("oversize_trimmed");
    throttled_log("trimmed", WGM_LOG_WARN,
                  "LAN announcement of " + std::to_string(full) +
                      " bytes exceeds the 4095-byte limit of Go receivers; sent without "
                      "routable_networks (" +
                      std::to_string(datagram.size()) + " bytes)");
  }
  send_datagram(datagram);
}

std::string LanPlugin::seal(const std::string& payload) {
  std::string datagram;
  int rc = host_->envelope_seal(ctx_, "ANNOUNCE", payload.data(), payload.size(), &wgm::append_json,
                                &datagram);
  if (rc != WGM_OK || datagram.empty()) {
    count("send_errors");
    throttled_log("seal", WGM_LOG_WARN,
                  "cannot seal the announcement (status " + std::to_string(rc) + ")");
    return {};
  }
  return datagram;
}

bool LanPlugin::send_datagram(const std::string& datagram) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(datagram.data());
  bool any = false;
  auto send_on = [&](const char* ifname) {
    int rc = host_->udp_send_multicast(ctx_, sender_.get(), group_.c_str(), port_, ifname, bytes,
                                       datagram.size());
    if (rc == WGM_OK) {
      count("sent");
      any = true;
    } else {
      count("send_errors");
      throttled_log("send", WGM_LOG_WARN,
                    std::string("cannot multicast the announcement on ") +
                        (ifname ? ifname : "any interface") + " (status " + std::to_string(rc) +
                        ")");
    }
  };
  if (config_.interfaces.empty()) {
    send_on(nullptr);
  } else {
    for (const auto& ifname : config_.interfaces) send_on(ifname.c_str());
  }
  return any;
}

void LanPlugin::join_groups(uint64_t t) {
  last_join_ms_ = t;
  auto join_on = [&](const char* ifname) {
    int rc = host_->udp_join(ctx_, receiver_.get(), group_.c_str(), ifname);
    if (rc != WGM_OK)
      throttled_log("join", WGM_LOG_WARN,
                    std::string("cannot join ") + group_ + " on " +
                        (ifname ? ifname : "any interface") + " (status " + std::to_string(rc) +
                        "); retrying every 30 s");
  };
  if (config_.interfaces.empty()) {
    join_on(nullptr);
  } else {
    for (const auto& ifname : config_.interfaces) join_on(ifname.c_str());
  }
}

void LanPlugin::arm_timer() {
  uint64_t t = now();
  uint64_t due = scheduler_.next_due();
  uint64_t delay = due > t ? due - t : 0;
  // Wake up for the membership refresh too when it comes first.
  uint64_t rejoin_at = last_join_ms_ + kRejoinIntervalMs;
  if (rejoin_at > t && rejoin_at - t < delay) delay = rejoin_at - t;
  timer_.start(host_, ctx_, delay, 0, &LanPlugin::on_timer_cb, this);
  if (!timer_.running())
    throttled_log("timer", WGM_LOG_ERROR, "cannot start a timer; announcements stopped");
}

void LanPlugin::refresh_own_pubkey() {
  std::string pubkey = pubkey_of(wgm::fetch_json(host_, &wgm_host_api::local_node_json, ctx_));
  if (!pubkey.empty()) own_pubkey_ = std::move(pubkey);
}

void LanPlugin::throttled_log(const char* kind, wgm_log_level level, const std::string& message) {
  if (log_throttle_.allow(kind, now())) host_->log(ctx_, level, message.c_str());
}

}  // namespace wgmesh::lan
