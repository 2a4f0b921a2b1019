#include "mesh/control_channel.h"

#include <netinet/in.h>

#include <chrono>
#include <cstring>
#include <set>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "keys/announcement_validation.h"
#include "mesh/endpoint_rules.h"
#include "runtime/logger.h"

namespace wgmesh {
namespace {

int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

bool is_announcement_type(const std::string& t) {
  return t == "HELLO" || t == "REPLY" || t == "ANNOUNCE";
}

}  // namespace

// ---- report building ---------------------------------------------------------------------

PeerReport report_from_announcement(const keys::PeerAnnouncement& a, const std::string& endpoint,
                                    bool authoritative) {
  PeerReport r;
  r.pubkey = a.wg_pubkey;
  r.mesh_ip = a.mesh_ip;
  if (!endpoint.empty()) r.endpoint = endpoint;
  if (authoritative || !a.hostname.empty()) r.hostname = a.hostname;
  if (authoritative || !a.mesh_ipv6.empty()) r.mesh_ipv6 = a.mesh_ipv6;
  if (authoritative || a.introducer) r.introducer = a.introducer;
  if (authoritative || !a.routable_networks.empty()) r.routable_networks = a.routable_networks;
  if (!a.nat_type.empty()) r.nat_type = a.nat_type;
  return r;
}

PeerReport report_from_known_peer(const keys::KnownPeer& k, const std::string& endpoint) {
  PeerReport r;
  r.pubkey = k.wg_pubkey;
  r.mesh_ip = k.mesh_ip;
  if (!endpoint.empty()) r.endpoint = endpoint;
  if (!k.hostname.empty()) r.hostname = k.hostname;
  if (!k.mesh_ipv6.empty()) r.mesh_ipv6 = k.mesh_ipv6;
  if (k.introducer) r.introducer = true;
  if (!k.nat_type.empty()) r.nat_type = k.nat_type;
  return r;
}

std::string peer_report_json(const PeerReport& r) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("wg_pubkey");
  w.String(r.pubkey.c_str());
  auto opt = [&](const char* key, const std::optional<std::string>& v) {
    if (!v) return;
    w.Key(key);
    w.String(v->c_str(), static_cast<rapidjson::SizeType>(v->size()));
  };
  opt("hostname", r.hostname);
  opt("mesh_ip", r.mesh_ip);
  opt("mesh_ipv6", r.mesh_ipv6);
  opt("endpoint", r.endpoint);
  if (r.introducer) {
    w.Key("introducer");
    w.Bool(*r.introducer);
  }
  if (r.routable_networks) {
    w.Key("routable_networks");
    w.StartArray();
    for (const auto& n : *r.routable_networks) w.String(n.c_str());
    w.EndArray();
  }
  opt("nat_type", r.nat_type);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// ---- pending exchanges ---------------------------------------------------------------------

struct ControlChannel::Pending {
  std::string label;
  ExchangeDone done;
  std::string datagram;  // the sealed HELLO, resent byte for byte while punching
  sockaddr_storage to{};
  socklen_t to_len = 0;
  std::unique_ptr<Timer> resend;
  std::unique_ptr<Timer> deadline;
};

ControlChannel::ControlChannel(EventLoop& loop, const MeshKeys& keys, LocalNode& local,
                               PeerStore& store, Metrics& metrics, ControlSettings settings)
    : loop_(loop),
      keys_(keys),
      local_(local),
      store_(store),
      metrics_(metrics),
      settings_(std::move(settings)) {}

ControlChannel::~ControlChannel() { stop(); }

Status ControlChannel::start() {
  UdpOptions opt;
  opt.family = AF_INET6;  // dual stack: IPv4 arrives as ::ffff:a.b.c.d
  opt.port = settings_.port;
  opt.bind_addr = settings_.bind_addr;
  auto on_rx = [this](const uint8_t* d, size_t n, const sockaddr* from, socklen_t len) {
    on_datagram(d, n, from, len);
  };
  auto sock = UdpSocket::open(loop_, opt, on_rx);
  if (!sock.ok()) {
    // No IPv6 in this namespace/kernel: fall back to IPv4 only.
    opt.family = AF_INET;
    sock = UdpSocket::open(loop_, opt, on_rx);
  }
  if (!sock.ok()) return Error{"control channel: " + sock.message()};
  socket_ = std::move(*sock);
  log_info("control", "listening on udp/" + std::to_string(port()));
  return {};
}

void ControlChannel::stop() {
  pending_.clear();
  socket_.reset();
}

uint16_t ControlChannel::port() const { return socket_ ? socket_->local_port() : 0; }

Status ControlChannel::register_handler(const std::string& type, const std::string& owner, Handler handler) {
  if (type == "HELLO" || type == "REPLY" || type == "GOODBYE")
    return Error{"message type " + type + " belongs to the host"};
  if (handlers_.count(type))
    return Error{"message type " + type + " is already handled by " + handlers_[type].owner};
  handlers_[type] = HandlerEntry{owner, std::move(handler)};
  return {};
}

void ControlChannel::unregister_owner(const std::string& owner) {
  for (auto it = handlers_.begin(); it != handlers_.end();)
    it = it->second.owner == owner ? handlers_.erase(it) : std::next(it);
}

Status ControlChannel::send(const std::string& type, const std::string& payload, const sockaddr* to,
                            socklen_t len) {
  if (!socket_) return Error{"control channel is not running"};
  auto sealed = keys_.seal(type, payload);
  if (!sealed.ok()) return sealed.error();
  metrics_.add("control.sent." + type);
  return socket_->send_to(to, len, reinterpret_cast<const uint8_t*>(sealed->data()), sealed->size());
}

std::string ControlChannel::sender_ip(const sockaddr* from) const {
  std::string ip = format_ip(from);
  // In-tunnel sources (gossip through WireGuard) say nothing about the WireGuard endpoint.
  if (settings_.is_mesh_address && settings_.is_mesh_address(ip)) return "";
  return ip;
}

void ControlChannel::store_announcement(const keys::PeerAnnouncement& a, const std::string& ip,
                                        const std::string& label, const std::string& transitive_label) {
  std::string endpoint = resolve_from_sender(a.wg_endpoint, ip);
  if (settings_.no_ipv6 && endpoint_is_ipv6(endpoint)) endpoint.clear();
  Status st = store_.update(report_from_announcement(a, endpoint, true), label);
  if (!st.ok()) {
    metrics_.add("control.report_refused");
    log_debug("control", "peer " + a.wg_pubkey.substr(0, 16) + "... not stored: " + st.message());
    return;
  }
  for (const auto& k : a.known_peers) {
    if (k.wg_pubkey == local_.pubkey) continue;
    std::string ep = normalize_known(k.wg_endpoint);
    if (settings_.no_ipv6 && endpoint_is_ipv6(ep)) ep.clear();
    Status s = store_.update(report_from_known_peer(k, ep), transitive_label);
    if (!s.ok()) metrics_.add("control.transitive_refused");
  }
}

void ControlChannel::on_datagram(const uint8_t* data, size_t len, const sockaddr* from, socklen_t from_len) {
  metrics_.add("control.received");
  std::string ip = format_ip(from);
  if (!limiter_.allow(ip, static_cast<int64_t>(loop_.now_ms()))) {
    metrics_.add("control.dropped_rate_limited");
    return;
  }
  OpenFailure failure = OpenFailure::None;
  auto opened = keys_.open(std::string_view(reinterpret_cast<const char*>(data), len), from,
                           /*strict=*/false, &replay_, &failure);
  if (!opened.ok()) {
    const char* what = failure == OpenFailure::Replay ? "control.dropped_replay"
                       : failure == OpenFailure::Stale ? "control.dropped_stale"
                                                        : "control.dropped_auth";
    metrics_.add(what);
    // Log at most one line per source per minute: stray traffic must not flood the log.
    int64_t now = static_cast<int64_t>(loop_.now_ms());
    auto& last = log_throttle_[ip];
    if (now - last > 60000) {
      last = now;
      log_debug("control", "dropped datagram from " + format_socket_address(from) + ": " + opened.message());
    }
    if (log_throttle_.size() > 4096) log_throttle_.clear();
    return;
  }
  const std::string& type = opened->type;
  if (is_announcement_type(type)) {
    auto ann = keys::decode_announcement(opened->payload);
    std::vector<std::string> dropped;
    Status valid = ann.ok() ? keys::validate_announcement_dropping_invalid_peers(*ann, &dropped)
                            : Status(ann.error());
    if (!valid.ok()) {
      metrics_.add("control.dropped_invalid");
      log_debug("control", type + " from " + format_socket_address(from) + " rejected: " + valid.message());
      return;
    }
    if (!dropped.empty()) metrics_.add("control.known_peers_dropped", dropped.size());
    if (ann->wg_pubkey == local_.pubkey) {
      metrics_.add("control.dropped_own");
      return;
    }
    if (type == "HELLO") return handle_hello(*ann, from, from_len, opened->retransmission);
    if (type == "REPLY") return handle_reply(*ann, from, opened->retransmission);
  } else if (type == "GOODBYE") {
    if (!opened->retransmission) handle_goodbye(opened->payload, from);
    return;
  }
  auto it = handlers_.find(type);
  if (it == handlers_.end()) {
    metrics_.add("control.dropped_unknown_type");
    return;
  }
  metrics_.add("control.dispatched." + type);
  Handler handler = it->second.handler;  // copy: the handler may unregister itself
  handler(ControlMessage{type, opened->payload, from, from_len, opened->retransmission});
}

void ControlChannel::handle_hello(const keys::PeerAnnouncement& a, const sockaddr* from,
                                  socklen_t from_len, bool retransmission) {
  metrics_.add("control.hello");
  if (!retransmission) store_announcement(a, sender_ip(from), "dht", "dht-transitive");
  keys::PeerAnnouncement reply = local_.announcement(&store_, settings_.max_known_peers, unix_now());
  reply.observed_endpoint = format_socket_address(from);
  Status st = send("REPLY", keys::announcement_to_json(reply), from, from_len);
  if (!st.ok()) log_debug("control", "REPLY to " + reply.observed_endpoint + " failed: " + st.message());
}

void ControlChannel::apply_observed_endpoint(const std::string& observed, const std::string& reporter) {
  std::string host;
  uint16_t port = 0;
  if (observed.empty() || !split_host_port(observed, host, port)) return;
  bool v6 = host.find(':') != std::string::npos;
  if (settings_.no_ipv6 && v6) return;
  if (is_private_or_local(host) || is_cgnat(host)) return;
  std::string current = local_.endpoint();
  std::string cur_host;
  uint16_t cur_port = 0;
  if (!split_host_port(current, cur_host, cur_port)) return;
  bool cur_v6_public = cur_host.find(':') != std::string::npos && !is_private_or_local(cur_host);
  if (cur_v6_public && !v6) return;  // never downgrade from public IPv6 to IPv4
  local_.propose_endpoint(observed, "reflected:" + reporter);
}

void ControlChannel::handle_reply(const keys::PeerAnnouncement& a, const sockaddr* from, bool retransmission) {
  metrics_.add("control.reply");
  std::string address = format_socket_address(from);
  apply_observed_endpoint(a.observed_endpoint, a.wg_pubkey);
  // The label under which the exchange asked to store this peer (default "dht").
  std::string label = "dht";
  auto it = pending_.find(address);
  if (it != pending_.end()) label = it->second->label;
  if (!retransmission) store_announcement(a, sender_ip(from), label, "dht-transitive");
  if (it == pending_.end()) {
    metrics_.add("control.unsolicited_reply");
    return;
  }
  PeerReport r = report_from_announcement(a, resolve_from_sender(a.wg_endpoint, sender_ip(from)), true);
  finish_pending(address, 0, peer_report_json(r));
}

void ControlChannel::handle_goodbye(const std::string& payload, const sockaddr* from) {
  rapidjson::Document doc;
  doc.Parse(payload.c_str(), payload.size());
  if (doc.HasParseError() || !doc.IsObject()) return;
  auto key = doc.FindMember("wg_pubkey");
  auto ts = doc.FindMember("timestamp");
  if (key == doc.MemberEnd() || !key->value.IsString() || ts == doc.MemberEnd() || !ts->value.IsInt64())
    return;
  std::string pubkey = key->value.GetString();
  if (pubkey.empty() || pubkey == local_.pubkey) return;
  int64_t age = unix_now() - ts->value.GetInt64();
  if (age > 60 || age < -60) {
    metrics_.add("control.goodbye_stale");
    return;
  }
  const PeerRecord* peer = store_.get(pubkey);
  if (!peer) return;
  // Only the departing node itself may say goodbye: its source address must be the host of
  // an endpoint we know for it (any member can seal a GOODBYE for any key).
  std::string ip = format_ip(from);
  bool matches = false;
  for (const auto& c : peer->candidates) {
    std::string host;
    uint16_t port = 0;
    if (split_host_port(c.endpoint, host, port) && host == ip) matches = true;
  }
  if (!matches && !(settings_.is_mesh_address && settings_.is_mesh_address(ip) && ip == peer->mesh_ip)) {
    metrics_.add("control.goodbye_refused");
    log_info("control", "ignoring GOODBYE for " + pubkey.substr(0, 16) + "... from " + ip +
                            ": not an address of that peer");
    return;
  }
  metrics_.add("control.goodbye");
  log_info("control", "peer " + pubkey.substr(0, 16) + "... said goodbye");
  store_.remove(pubkey, /*tombstone=*/true);
}

Status ControlChannel::exchange(const sockaddr* to, socklen_t len, bool punch, uint32_t timeout_ms,
                                const std::string& label, ExchangeDone done) {
  if (!socket_) return Error{"control channel is not running"};
  keys::PeerAnnouncement hello = local_.announcement(&store_, settings_.max_known_peers, unix_now());
  auto sealed = keys_.seal("HELLO", keys::announcement_to_json(hello));
  if (!sealed.ok()) return sealed.error();
  auto p = std::make_unique<Pending>();
  p->label = label;
  p->done = std::move(done);
  p->datagram = std::move(*sealed);
  std::memcpy(&p->to, to, std::min<size_t>(len, sizeof p->to));
  p->to_len = len;
  std::string address = format_socket_address(to);
  Pending* raw = p.get();
  auto send_once = [this, raw] {
    if (socket_)
      (void)socket_->send_to(reinterpret_cast<const sockaddr*>(&raw->to), raw->to_len,
                             reinterpret_cast<const uint8_t*>(raw->datagram.data()), raw->datagram.size());
  };
  send_once();
  metrics_.add("control.sent.HELLO");
  if (punch) {
    p->resend = std::make_unique<Timer>(loop_);
    p->resend->start(100, 100, send_once);
  }
  p->deadline = std::make_unique<Timer>(loop_);
  p->deadline->start(timeout_ms ? timeout_ms : 4000, 0, [this, raw, address] {
    // Find this exact request (several may wait on one address) and time it out.
    auto range = pending_.equal_range(address);
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second.get() != raw) continue;
      auto owned = std::move(it->second);
      pending_.erase(it);
      metrics_.add("control.exchange_timeouts");
      if (owned->done) owned->done(-3 /* WGM_ERR_IO */, "");
      return;
    }
  });
  pending_.emplace(address, std::move(p));
  return {};
}

void ControlChannel::finish_pending(const std::string& address, int status, const std::string& peer_json) {
  auto range = pending_.equal_range(address);
  std::vector<std::unique_ptr<Pending>> done;
  for (auto it = range.first; it != range.second; ++it) done.push_back(std::move(it->second));
  pending_.erase(range.first, range.second);
  for (auto& p : done) {
    metrics_.add("control.exchanges_completed");
    if (p->done) p->done(status, peer_json);
  }
}

void ControlChannel::say_goodbye() {
  if (!socket_) return;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("protocol");
  w.String("wgmesh-v1");
  w.Key("timestamp");
  w.Int64(unix_now());
  w.Key("wg_pubkey");
  w.String(local_.pubkey.c_str());
  w.EndObject();
  std::string payload(buf.GetString(), buf.GetSize());
  std::set<std::string> sent;
  for (const PeerRecord* p : store_.all()) {
    std::string ctl = control_endpoint(store_.endpoint_of(*p), settings_.port);
    if (ctl.empty() || !sent.insert(ctl).second) continue;
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (!parse_socket_address(ctl, ss, len)) continue;
    (void)send("GOODBYE", payload, reinterpret_cast<sockaddr*>(&ss), len);
  }
  if (!sent.empty()) log_info("control", "sent GOODBYE to " + std::to_string(sent.size()) + " peers");
}

}  // namespace wgmesh
