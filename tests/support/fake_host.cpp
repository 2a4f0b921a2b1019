#include "fake_host.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "fake_host_impl.h"
#include "fake_network.h"
#include "real_udp.h"

namespace wgmesh::test {

namespace {

// A loop that keeps scheduling work for itself (a 0 ms repeating timer, a callback storm)
// must not hang a test: settle() gives up after this many passes.
constexpr int kMaxSettlePasses = 100000;

template <typename Map>
size_t count_owned(const Map& map, wgm_ctx* ctx) {
  auto* c = reinterpret_cast<FakeCtx*>(ctx);
  return static_cast<size_t>(
      std::count_if(map.begin(), map.end(), [c](const auto& e) { return e.second->ctx == c; }));
}

}  // namespace

// ---- construction ------------------------------------------------------------------------

FakeHost::Impl::Impl(Options opts)
    : options(std::move(opts)),
      udp(options.network ? options.network->attach(options.ip, options.ifname)
                          : make_real_udp_backend()),
      envelope(options.envelope_key),
      real_start(std::chrono::steady_clock::now()) {
  if (const char* env = std::getenv("WGMESH_FAKE_HOST_LOG"); env && *env == '1')
    options.echo_logs = true;
  // Defaults: the values derived from the spec's test secret (discovery.md §2.1).
  keys = {{"gossip_port", "52527"},
          {"multicast_group", "239.192.97.120"},
          {"lan_port", "51830"},
          {"network_id_tag", "a11c420b66cd7877"},
          {"rendezvous_id", "6bbd569752ecb4dd"},
          {"mesh_subnet", "10.42.0.0/16"},
          {"mesh_prefix_v6", "fd42:42:42::/64"},
          {"probe_port", "54527"}};
  node_settings = R"({"interface":"wg0","listen_port":51820,"no_ipv6":false,"introducer":false,)"
                  R"("force_relay":false,"no_punching":false,"log_level":"info"})";
}

FakeHost::FakeHost() : FakeHost(Options{}) {}

FakeHost::FakeHost(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

FakeHost::~FakeHost() {
  // Contexts the test did not release: free what they hold, as the daemon does at unload.
  while (!impl_->contexts.empty())
    release_context(reinterpret_cast<wgm_ctx*>(impl_->contexts.begin()->first));
  impl_->graveyard.clear();
  if (!impl_->state_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(impl_->state_dir, ec);
  }
}

const wgm_host_api* FakeHost::api() const { return fake_host_table(); }

wgm_ctx* FakeHost::add_context(const std::string& name, std::string config_json) {
  auto ctx = std::make_unique<FakeCtx>(FakeCtx{impl_.get(), name, std::move(config_json)});
  FakeCtx* raw = ctx.get();
  impl_->contexts.emplace(raw, std::move(ctx));
  return reinterpret_cast<wgm_ctx*>(raw);
}

void FakeHost::release_context(wgm_ctx* ctx) {
  auto* c = reinterpret_cast<FakeCtx*>(ctx);
  if (!impl_->contexts.count(c)) return;
  impl_->free_context_resources(c);
  impl_->contexts.erase(c);
}

void FakeHost::set_descriptor(wgm_ctx* ctx, const wgm_plugin_desc* desc) {
  auto* c = reinterpret_cast<FakeCtx*>(ctx);
  if (impl_->contexts.count(c)) c->desc = desc;
}

void FakeHost::Impl::free_context_resources(FakeCtx* ctx) {
  auto erase_owned = [ctx](auto& map) {
    std::erase_if(map, [ctx](const auto& e) { return e.second->ctx == ctx; });
  };
  erase_owned(timers);
  erase_owned(sockets);
  erase_owned(watches);
  erase_owned(subs);
  erase_owned(rpc_calls);
  auto erase_named = [ctx](auto& map) {
    std::erase_if(map, [ctx](const auto& e) { return e.second.ctx == ctx; });
  };
  erase_named(services);
  erase_named(rpc_methods);
  erase_named(control_handlers);
}

// ---- clocks --------------------------------------------------------------------------------

uint64_t FakeHost::Impl::now() const {
  if (options.clock == Clock::Manual) return manual_now;
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now() - real_start)
                                   .count());
}

int64_t FakeHost::Impl::wall_ms() const {
  if (options.clock == Clock::Manual)
    return options.wall_start_ms + static_cast<int64_t>(manual_now) + wall_offset_ms;
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() +
         wall_offset_ms;
}

uint64_t FakeHost::now_ms() const { return impl_->now(); }
int64_t FakeHost::wall_ms() const { return impl_->wall_ms(); }

// ---- the loop ------------------------------------------------------------------------------

bool FakeHost::Impl::fire_one_due_timer() {
  FakeTimer* next = nullptr;
  for (auto& [ptr, t] : timers)
    if (t->armed && (!next || t->due < next->due || (t->due == next->due && t->seq < next->seq)))
      next = ptr;
  uint64_t t_now = now();
  if (!next || next->due > t_now) return false;
  wgm_timer_cb cb = next->cb;
  void* user = next->user;
  if (next->repeat) {
    // Manual: exact periods. Real: like libuv, the next period counts from now.
    next->due = (options.clock == Clock::Manual ? next->due : t_now) + next->repeat;
    next->seq = ++timer_seq;
  } else {
    next->armed = false;  // the handle stays valid until timer_stop (ABI)
  }
  cb(user);  // may stop or restart this or any timer: nothing of it is touched afterwards
  return true;
}

bool FakeHost::Impl::drain_sockets() {
  bool any = false;
  std::vector<FakeSocket*> snapshot;
  for (auto& [ptr, s] : sockets) snapshot.push_back(ptr);
  for (FakeSocket* s : snapshot) {
    if (!sockets.count(s) || !s->cb) continue;
    size_t n = s->endpoint->drain(
        [s](const uint8_t* d, size_t len, const sockaddr* from, socklen_t from_len) {
          if (!s->closed) s->cb(s->user, d, len, from, from_len);
        });
    any = any || n > 0;
  }
  return any;
}

bool FakeHost::Impl::poll_watches(int timeout_ms) {
  if (watches.empty()) return false;
  std::vector<pollfd> fds;
  std::vector<FakeWatch*> owners;
  for (auto& [ptr, w] : watches) {
    auto ev = static_cast<short>(((w->events & WGM_FD_READABLE) ? POLLIN : 0) |
                                 ((w->events & WGM_FD_WRITABLE) ? POLLOUT : 0));
    fds.push_back({w->fd, ev, 0});
    owners.push_back(ptr);
  }
  if (::poll(fds.data(), fds.size(), timeout_ms) <= 0) return false;
  bool any = false;
  for (size_t i = 0; i < fds.size(); ++i) {
    if (!fds[i].revents || !watches.count(owners[i])) continue;
    int out = ((fds[i].revents & POLLIN) ? WGM_FD_READABLE : 0) |
              ((fds[i].revents & POLLOUT) ? WGM_FD_WRITABLE : 0) |
              ((fds[i].revents & (POLLERR | POLLHUP | POLLNVAL)) ? WGM_FD_ERROR : 0);
    FakeWatch* w = owners[i];
    w->cb(w->user, w->fd, out);
    any = true;
  }
  return any;
}

bool FakeHost::Impl::step() {
  bool any = false;
  // Events queued before this pass; those they queue run in the next pass.
  for (size_t n = events.size(); n > 0 && !events.empty(); --n) {
    auto ev = std::move(events.front());
    events.pop_front();
    ev();
    any = true;
  }
  any = drain_sockets() || any;
  any = poll_watches(0) || any;
  any = fire_one_due_timer() || any;
  graveyard.clear();  // outside every callback now
  return any;
}

void FakeHost::Impl::wait_real(uint64_t max_ms) {
  // Sleep in poll() until a kernel socket or watched fd is readable, or max_ms pass.
  std::vector<pollfd> fds;
  for (auto& [ptr, s] : sockets)
    if (s->cb && !s->closed && s->endpoint->fd() >= 0)
      fds.push_back({s->endpoint->fd(), POLLIN, 0});
  for (auto& [ptr, w] : watches) fds.push_back({w->fd, POLLIN, 0});
  ::poll(fds.data(), fds.size(), static_cast<int>(max_ms));
}

void FakeHost::settle() {
  for (int i = 0; i < kMaxSettlePasses && impl_->step(); ++i) {
  }
}

std::optional<uint64_t> FakeHost::next_timer_due() const {
  std::optional<uint64_t> best;
  for (auto& [ptr, t] : impl_->timers)
    if (t->armed && (!best || t->due < *best)) best = t->due;
  return best;
}

bool FakeHost::run_until(const std::function<bool()>& done, uint64_t timeout_ms) {
  uint64_t deadline = now_ms() + timeout_ms;
  settle();
  while (!done()) {
    uint64_t t = now_ms();
    if (t >= deadline) return false;
    auto due = next_timer_due();
    if (impl_->options.clock == Clock::Manual) {
      // Jump to the next timer (or the deadline): nothing else can happen in between.
      impl_->manual_now = due && *due <= deadline ? std::max(t, *due) : deadline;
    } else {
      uint64_t wait = deadline - t;
      if (due) wait = std::min(wait, *due > t ? *due - t : 0);
      impl_->wait_real(std::min<uint64_t>(wait, 20));
    }
    settle();
  }
  return true;
}

void FakeHost::advance(uint64_t ms) {
  uint64_t target = now_ms() + ms;
  run_until([] { return false; }, ms);
  if (impl_->options.clock == Clock::Manual)
    impl_->manual_now = std::max(impl_->manual_now, target);
  settle();
}

// ---- scripted world --------------------------------------------------------------------------

LocalNode& FakeHost::local() { return impl_->local; }
void FakeHost::update_local(const std::function<void(LocalNode&)>& change) {
  impl_->update_local(change);
}
void FakeHost::set_announcement_override(std::optional<std::string> json) {
  impl_->announcement_override = std::move(json);
}
std::string FakeHost::build_announcement(uint32_t max_known_peers) const {
  return impl_->build_announcement(max_known_peers);
}
void FakeHost::set_key_value(const std::string& name, const std::string& value) {
  impl_->keys[name] = value;
}
void FakeHost::remove_key_value(const std::string& name) { impl_->keys.erase(name); }
void FakeHost::set_node_settings(std::string json) { impl_->node_settings = std::move(json); }
void FakeHost::set_wall_offset_ms(int64_t offset) { impl_->wall_offset_ms = offset; }
void FakeHost::set_peer_report_status(int status) { impl_->peer_report_status = status; }
FakeEnvelope& FakeHost::envelope() { return impl_->envelope; }

void FakeHost::Impl::update_local(const std::function<void(LocalNode&)>& change) {
  change(local);
  notify_local();
}

std::string FakeHost::Impl::build_announcement(uint32_t max_known_peers) const {
  if (announcement_override) return *announcement_override;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto put = [&](const char* k, const std::string& v) {
    w.Key(k);
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  };
  // Go's PeerAnnouncement field order and omitempty rules (discovery.md §2.3).
  w.StartObject();
  put("protocol", "wgmesh-v1");
  put("wg_pubkey", local.wg_pubkey);
  if (!local.hostname.empty()) put("hostname", local.hostname);
  put("mesh_ip", local.mesh_ip);
  if (!local.mesh_ipv6.empty()) put("mesh_ipv6", local.mesh_ipv6);
  put("wg_endpoint", local.endpoint);
  if (local.introducer) {
    w.Key("introducer");
    w.Bool(true);
  }
  if (!local.routable_networks.empty()) {
    w.Key("routable_networks");
    w.StartArray();
    for (const auto& n : local.routable_networks) w.String(n.c_str());
    w.EndArray();
  }
  w.Key("timestamp");
  w.Int64(wall_ms() / 1000);
  if (max_known_peers > 0 && !peers.empty()) {
    w.Key("known_peers");
    w.StartArray();
    uint32_t n = 0;
    for (const auto& [key, json] : peers) {
      if (n++ == max_known_peers) break;
      rapidjson::Document p;
      p.Parse(json.c_str());
      auto get = [&](const char* k) {
        auto it = p.FindMember(k);
        return it != p.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString())
                                                           : std::string();
      };
      w.StartObject();
      put("wg_pubkey", key);
      if (!get("hostname").empty()) put("hostname", get("hostname"));
      put("mesh_ip", get("mesh_ip"));
      if (!get("mesh_ipv6").empty()) put("mesh_ipv6", get("mesh_ipv6"));
      put("wg_endpoint", get("endpoint"));
      w.EndObject();
    }
    w.EndArray();
  }
  if (!local.nat_type.empty()) put("nat_type", local.nat_type);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

void FakeHost::Impl::log(const FakeCtx* ctx, wgm_log_level level, const std::string& message) {
  logs.push_back({ctx->name, level, message});
  if (options.echo_logs) {
    static const char* const kNames[] = {"DEBUG", "INFO", "WARN", "ERROR"};
    std::fprintf(stderr, "[%8llu ms] %-5s %s: %s\n", static_cast<unsigned long long>(now()),
                 level >= 0 && level <= 3 ? kNames[level] : "?", ctx->name.c_str(),
                 message.c_str());
  }
}

// ---- records ---------------------------------------------------------------------------------

const std::vector<LogLine>& FakeHost::logs() const { return impl_->logs; }

bool FakeHost::logged(const std::string& substring, std::optional<wgm_log_level> level) const {
  return std::any_of(impl_->logs.begin(), impl_->logs.end(), [&](const LogLine& l) {
    return l.message.find(substring) != std::string::npos && (!level || l.level == *level);
  });
}

uint64_t FakeHost::counter(const std::string& full_name) const {
  auto it = impl_->counters.find(full_name);
  return it == impl_->counters.end() ? 0 : it->second;
}
const std::map<std::string, uint64_t>& FakeHost::counters() const { return impl_->counters; }

std::optional<int64_t> FakeHost::gauge(const std::string& full_name) const {
  auto it = impl_->gauges.find(full_name);
  if (it == impl_->gauges.end()) return std::nullopt;
  return it->second;
}

const std::vector<PeerReport>& FakeHost::reports() const { return impl_->reports; }
void FakeHost::clear_reports() { impl_->reports.clear(); }
const std::map<std::string, SourceRegistration>& FakeHost::sources() const {
  return impl_->sources;
}
const std::vector<UdpOpenCall>& FakeHost::udp_opens() const { return impl_->udp_opens; }
const std::vector<UdpOptionCall>& FakeHost::udp_options() const { return impl_->udp_options; }
const std::vector<JoinCall>& FakeHost::joins() const { return impl_->joins; }
const std::vector<MulticastSend>& FakeHost::multicasts() const { return impl_->multicasts; }
void FakeHost::clear_multicasts() { impl_->multicasts.clear(); }
const std::vector<ControlSend>& FakeHost::control_sends() const { return impl_->control_sends; }

std::optional<std::string> FakeHost::peer_json(const std::string& pubkey) const {
  auto it = impl_->peers.find(pubkey);
  if (it == impl_->peers.end()) return std::nullopt;
  return it->second;
}

size_t FakeHost::open_sockets(wgm_ctx* ctx) const { return count_owned(impl_->sockets, ctx); }
size_t FakeHost::timer_handles(wgm_ctx* ctx) const { return count_owned(impl_->timers, ctx); }
size_t FakeHost::subscriptions(wgm_ctx* ctx) const { return count_owned(impl_->subs, ctx); }
size_t FakeHost::pending_timers(wgm_ctx* ctx) const {
  auto* c = reinterpret_cast<FakeCtx*>(ctx);
  return static_cast<size_t>(
      std::count_if(impl_->timers.begin(), impl_->timers.end(),
                    [c](const auto& t) { return t.second->ctx == c && t.second->armed; }));
}

// ---- control channel, RPC ------------------------------------------------------------------

bool FakeHost::deliver_control(const std::string& type, const std::string& payload,
                               const std::string& from_ip, uint16_t from_port,
                               bool retransmission) {
  auto it = impl_->control_handlers.find(type);
  if (it == impl_->control_handlers.end()) return false;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_port = htons(from_port);
  inet_pton(AF_INET, from_ip.c_str(), &from.sin_addr);
  auto handler = it->second;
  handler.fn(handler.user, type.c_str(), payload.data(), payload.size(),
             reinterpret_cast<const sockaddr*>(&from), sizeof from, retransmission ? 1 : 0);
  return true;
}

bool FakeHost::finish_exchange(int status, const std::string& peer_json) {
  if (impl_->exchanges.empty()) return false;
  auto e = impl_->exchanges.front();
  impl_->exchanges.pop_front();
  e.cb(e.user, status, peer_json.data(), peer_json.size());
  return true;
}

size_t FakeHost::pending_exchanges() const { return impl_->exchanges.size(); }

void FakeHost::rpc(const std::string& method, const std::string& params,
                   std::function<void(bool, const std::string&)> done) {
  impl_->rpc(method, params, std::move(done));
}

void FakeHost::Impl::rpc(const std::string& method, const std::string& params,
                         std::function<void(bool, const std::string&)> done) {
  auto it = rpc_methods.find(method);
  if (it == rpc_methods.end()) {
    done(true, R"({"code":-32601,"message":"method not found"})");
    return;
  }
  auto call = std::make_unique<FakeRpcCall>(FakeRpcCall{it->second.ctx, std::move(done)});
  FakeRpcCall* raw = call.get();
  rpc_calls.emplace(raw, std::move(call));
  auto handler = it->second;
  handler.fn(handler.user, reinterpret_cast<wgm_rpc_call*>(raw), params.data(), params.size());
}

}  // namespace wgmesh::test
