// The fake host's wgm_host_api: thin adapters from the C ABI onto FakeHost's records and
// doubles. Like the daemon's table, every entry validates its handles and never throws.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <stdlib.h>

#include <cstdio>
#include <cstring>
#include <exception>

#include "fake_host_impl.h"

namespace wgmesh::test {

std::string format_address(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(ntohs(v4->sin_port));
  }
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(sa);
  inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
  return "[" + std::string(buf) + "]:" + std::to_string(ntohs(v6->sin6_port));
}

namespace {

FakeCtx* C(wgm_ctx* ctx) { return reinterpret_cast<FakeCtx*>(ctx); }
FakeHost::Impl& I(wgm_ctx* ctx) { return *C(ctx)->impl; }

// Runs a body, turning exceptions into WGM_ERR_INTERNAL: the fake must not throw into a
// plugin either (that would hide the plugin's own exception discipline).
template <typename Body>
int guard(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fake host: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "fake host: internal error\n");
  }
  return WGM_ERR_INTERNAL;
}

void deliver(wgm_json_cb cb, void* user, const std::string& s) {
  if (cb) cb(user, s.data(), s.size());
}

uint64_t fnv1a(const void* data, size_t len, uint64_t h = 0xcbf29ce484222325ull) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < len; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

void fill_digest(uint64_t seed, uint8_t* out, size_t len) {
  for (size_t i = 0; i < len; i += 8) {
    seed = fnv1a(&seed, sizeof seed, seed);
    for (size_t k = 0; k < 8 && i + k < len; ++k)
      out[i + k] = static_cast<uint8_t>(seed >> (8 * k));
  }
}

FakeSocket* socket_of(wgm_ctx* ctx, wgm_udp* s) {
  auto& impl = I(ctx);
  auto* sock = reinterpret_cast<FakeSocket*>(s);
  auto it = impl.sockets.find(sock);
  return it == impl.sockets.end() || it->second->ctx != C(ctx) ? nullptr : sock;
}

// ---- logging & clocks ----
void f_log(wgm_ctx* ctx, wgm_log_level level, const char* message) {
  if (ctx && message) I(ctx).log(C(ctx), level, message);
}
uint64_t f_monotonic_ms(wgm_ctx* ctx) { return ctx ? I(ctx).now() : 0; }
int64_t f_wall_ms(wgm_ctx* ctx) { return ctx ? I(ctx).wall_ms() : 0; }

// ---- configuration ----
void f_config_json(wgm_ctx* ctx, wgm_json_cb cb, void* user) {
  if (ctx) deliver(cb, user, C(ctx)->config);
}
const char* f_state_dir(wgm_ctx* ctx) {
  if (!ctx) return "";
  auto& impl = I(ctx);
  if (impl.state_dir.empty()) {
    char tmpl[] = "/tmp/wgmesh-fake-host-XXXXXX";
    if (mkdtemp(tmpl)) impl.state_dir = tmpl;  // mode 0700, removed with the host
  }
  return impl.state_dir.c_str();
}
void f_node_settings_json(wgm_ctx* ctx, wgm_json_cb cb, void* user) {
  if (ctx) deliver(cb, user, I(ctx).node_settings);
}

// ---- timers ----
wgm_timer* f_timer_start(wgm_ctx* ctx, uint64_t first_ms, uint64_t repeat_ms, wgm_timer_cb cb,
                         void* user) {
  if (!ctx || !cb) return nullptr;
  try {
    auto& h = I(ctx);
    auto& impl = h;
    auto t = std::make_unique<FakeTimer>(
        FakeTimer{C(ctx), h.now() + first_ms, repeat_ms, ++impl.timer_seq, true, cb, user});
    FakeTimer* raw = t.get();
    impl.timers.emplace(raw, std::move(t));
    return reinterpret_cast<wgm_timer*>(raw);
  } catch (...) {
    return nullptr;
  }
}
void f_timer_stop(wgm_ctx* ctx, wgm_timer* timer) {
  if (!ctx || !timer) return;
  auto& impl = I(ctx);
  auto it = impl.timers.find(reinterpret_cast<FakeTimer*>(timer));
  if (it != impl.timers.end() && it->second->ctx == C(ctx)) impl.timers.erase(it);
}

// ---- UDP ----
int f_udp_open(wgm_ctx* ctx, const wgm_udp_options* o, wgm_udp_recv_cb cb, void* user,
               wgm_udp** out) {
  if (!ctx || !o || !out) return WGM_ERR_INVALID;
  return guard([&] {
    auto& h = I(ctx);
    wgm_udp_options opts = *o;
    if (!cb) opts.flags |= WGM_UDP_NO_RECV;
    std::unique_ptr<UdpEndpoint> ep;
    std::string error;
    int rc = h.udp->open(opts, ep, error);
    h.udp_opens.push_back({C(ctx)->name, o->family, o->bind_addr ? o->bind_addr : "", o->port,
                           o->flags, o->recv_buffer, o->max_datagram, rc});
    if (rc != WGM_OK) {
      f_log(ctx, WGM_LOG_WARN, ("udp: " + error).c_str());
      h.counters[C(ctx)->name + ".udp_open_errors"] += 1;
      return rc;
    }
    bool receive = cb && !(o->flags & WGM_UDP_NO_RECV);
    auto s = std::make_unique<FakeSocket>(
        FakeSocket{C(ctx), std::move(ep), receive ? cb : nullptr, user});
    *out = reinterpret_cast<wgm_udp*>(s.get());
    FakeSocket* raw = s.get();
    h.sockets.emplace(raw, std::move(s));
    return static_cast<int>(WGM_OK);
  });
}
int f_udp_send(wgm_ctx* ctx, wgm_udp* s, const sockaddr* to, socklen_t to_len, const uint8_t* data,
               size_t len) {
  FakeSocket* sock = ctx ? socket_of(ctx, s) : nullptr;
  if (!sock || !to || (!data && len)) return WGM_ERR_INVALID;
  return guard([&] { return sock->endpoint->send(to, to_len, data, len); });
}
int f_udp_join(wgm_ctx* ctx, wgm_udp* s, const char* group, const char* ifname) {
  FakeSocket* sock = ctx ? socket_of(ctx, s) : nullptr;
  if (!sock || !group) return WGM_ERR_INVALID;
  return guard([&] {
    int rc = sock->endpoint->join(group, ifname ? ifname : "");
    I(ctx).joins.push_back({C(ctx)->name, group, ifname ? ifname : "", rc});
    if (rc != WGM_OK)
      f_log(ctx, WGM_LOG_WARN, (std::string("multicast: cannot join ") + group).c_str());
    return rc;
  });
}
int f_udp_leave(wgm_ctx* ctx, wgm_udp* s, const char* group, const char* ifname) {
  FakeSocket* sock = ctx ? socket_of(ctx, s) : nullptr;
  if (!sock || !group) return WGM_ERR_INVALID;
  return guard([&] { return sock->endpoint->leave(group, ifname ? ifname : ""); });
}
int f_udp_set_option(wgm_ctx* ctx, wgm_udp* s, wgm_udp_option option, int value) {
  FakeSocket* sock = ctx ? socket_of(ctx, s) : nullptr;
  if (!sock) return WGM_ERR_INVALID;
  return guard([&] {
    I(ctx).udp_options.push_back({C(ctx)->name, option, value});
    return sock->endpoint->set_option(option, value);
  });
}
int f_udp_send_multicast(wgm_ctx* ctx, wgm_udp* s, const char* group, uint16_t port,
                         const char* ifname, const uint8_t* data, size_t len) {
  FakeSocket* sock = ctx ? socket_of(ctx, s) : nullptr;
  if (!sock || !group || (!data && len)) return WGM_ERR_INVALID;
  return guard([&] {
    auto& h = I(ctx);
    int rc = sock->endpoint->send_multicast(group, port, ifname ? ifname : "", data, len);
    h.multicasts.push_back({C(ctx)->name, group, port, ifname ? ifname : "",
                            std::string(reinterpret_cast<const char*>(data), len), rc, h.now()});
    return rc;
  });
}
int f_udp_local_port(wgm_ctx* ctx, wgm_udp* s) {
  FakeSocket* sock = ctx ? socket_of(ctx, s) : nullptr;
  return sock ? sock->endpoint->local_port() : static_cast<int>(WGM_ERR_INVALID);
}
void f_udp_close(wgm_ctx* ctx, wgm_udp* s) {
  FakeSocket* sock = ctx ? socket_of(ctx, s) : nullptr;
  if (!sock) return;
  auto& impl = I(ctx);
  auto it = impl.sockets.find(sock);
  it->second->closed = true;
  impl.graveyard.push_back(std::move(it->second));  // freed outside any receive callback
  impl.sockets.erase(it);
}

// ---- fd watches, work ----
wgm_watch* f_fd_watch(wgm_ctx* ctx, int fd, int events, wgm_fd_cb cb, void* user) {
  if (!ctx || fd < 0 || !cb) return nullptr;
  try {
    auto w = std::make_unique<FakeWatch>(FakeWatch{C(ctx), fd, events, cb, user});
    FakeWatch* raw = w.get();
    I(ctx).watches.emplace(raw, std::move(w));
    return reinterpret_cast<wgm_watch*>(raw);
  } catch (...) {
    return nullptr;
  }
}
void f_fd_unwatch(wgm_ctx* ctx, wgm_watch* w) {
  if (ctx) I(ctx).watches.erase(reinterpret_cast<FakeWatch*>(w));
}
int f_work_submit(wgm_ctx* ctx, wgm_work_fn work, wgm_work_done_fn done, void* user) {
  if (!ctx || !work) return WGM_ERR_INVALID;
  return guard([&] {
    // Deterministic: the work runs on the loop thread at the next step, then `done`.
    I(ctx).events.push_back([work, done, user] {
      work(user);
      if (done) done(user, 0);
    });
    return static_cast<int>(WGM_OK);
  });
}

// ---- keys & envelope ----
int f_key_value(wgm_ctx* ctx, const char* name, char* buf, size_t cap) {
  if (!ctx || !name || !buf) return WGM_ERR_INVALID;
  auto& h = I(ctx);
  auto it = h.keys.find(name);
  if (it == h.keys.end()) return WGM_ERR_NOT_FOUND;
  if (it->second.size() + 1 > cap) return WGM_ERR_LIMIT;
  std::memcpy(buf, it->second.c_str(), it->second.size() + 1);
  return static_cast<int>(it->second.size());
}
int f_hourly_infohash(wgm_ctx* ctx, int64_t unix_seconds, uint8_t out[20]) {
  if (!ctx || !out) return WGM_ERR_INVALID;
  int64_t hour = unix_seconds / 3600;
  fill_digest(fnv1a(&hour, sizeof hour), out, 20);  // stable per hour, not the real H(t)
  return WGM_OK;
}
int f_epoch_hmac(wgm_ctx* ctx, const uint8_t* msg, size_t len, uint8_t out[32]) {
  if (!ctx || (!msg && len) || !out) return WGM_ERR_INVALID;
  fill_digest(fnv1a(msg, len), out, 32);
  return WGM_OK;
}
int f_envelope_seal(wgm_ctx* ctx, const char* type, const char* payload, size_t len, wgm_json_cb cb,
                    void* user) {
  if (!ctx || !type || !payload || !cb) return WGM_ERR_INVALID;
  return guard([&] {
    std::string out;
    if (!I(ctx).envelope.seal(type, {payload, len}, out)) return static_cast<int>(WGM_ERR_INVALID);
    deliver(cb, user, out);
    return static_cast<int>(WGM_OK);
  });
}
int f_envelope_open(wgm_ctx* ctx, const uint8_t* data, size_t len, uint32_t flags, const sockaddr*,
                    socklen_t, wgm_open_cb cb, void* user) {
  if (!ctx || !data || !cb) return WGM_ERR_INVALID;
  return guard([&] {
    auto& h = I(ctx);
    std::string type, payload;
    int rc = h.envelope.open({reinterpret_cast<const char*>(data), len}, flags, h.wall_ms() / 1000,
                             type, payload);
    if (rc == WGM_OK) cb(user, type.c_str(), payload.data(), payload.size());
    return rc;
  });
}
void f_local_announcement(wgm_ctx* ctx, uint32_t max_known, wgm_json_cb cb, void* user) {
  if (!ctx || !cb) return;
  guard([&] {
    deliver(cb, user, I(ctx).build_announcement(max_known));
    return 0;
  });
}

// ---- local node ----
void f_local_node_json(wgm_ctx* ctx, wgm_json_cb cb, void* user) {
  if (!ctx || !cb) return;
  guard([&] {
    const LocalNode& n = I(ctx).local;
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    for (auto [k, v] : {std::pair{"wg_pubkey", &n.wg_pubkey},
                        {"hostname", &n.hostname},
                        {"mesh_ip", &n.mesh_ip},
                        {"mesh_ipv6", &n.mesh_ipv6},
                        {"endpoint", &n.endpoint},
                        {"nat_type", &n.nat_type}}) {
      w.Key(k);
      w.String(v->c_str());
    }
    w.Key("introducer");
    w.Bool(n.introducer);
    w.Key("routable_networks");
    w.StartArray();
    for (const auto& r : n.routable_networks) w.String(r.c_str());
    w.EndArray();
    w.Key("listen_port");
    w.Int(n.listen_port);
    w.EndObject();
    deliver(cb, user, {buf.GetString(), buf.GetSize()});
    return 0;
  });
}
int f_local_set_endpoint(wgm_ctx* ctx, const char* endpoint, const char*) {
  if (!ctx || !endpoint) return WGM_ERR_INVALID;
  I(ctx).update_local([&](LocalNode& n) { n.endpoint = endpoint; });
  return WGM_OK;
}
int f_local_set_nat_type(wgm_ctx* ctx, const char* nat) {
  if (!ctx || !nat) return WGM_ERR_INVALID;
  I(ctx).update_local([&](LocalNode& n) { n.nat_type = nat; });
  return WGM_OK;
}
wgm_sub* add_sub(wgm_ctx* ctx, FakeSub sub) {
  try {
    auto s = std::make_unique<FakeSub>(sub);
    FakeSub* raw = s.get();
    I(ctx).subs.emplace(raw, std::move(s));
    return reinterpret_cast<wgm_sub*>(raw);
  } catch (...) {
    return nullptr;
  }
}
wgm_sub* f_local_subscribe(wgm_ctx* ctx, wgm_local_changed_cb cb, void* user) {
  if (!ctx || !cb) return nullptr;
  return add_sub(ctx, FakeSub{C(ctx), cb, nullptr, user});
}

// ---- peer store ----
int f_peer_register_source(wgm_ctx* ctx, const char* label, int rank, wgm_source_class cls) {
  if (!ctx || !label || rank < 0 || rank > 100 || cls < WGM_SOURCE_LAN || cls > WGM_SOURCE_CACHE)
    return WGM_ERR_INVALID;
  auto& h = I(ctx);
  auto it = h.sources.find(label);
  if (it != h.sources.end() && (it->second.rank != rank || it->second.cls != cls))
    return WGM_ERR_EXISTS;
  h.sources[label] = {rank, cls};
  return WGM_OK;
}
int f_peer_report(wgm_ctx* ctx, const char* label, const char* json, size_t len) {
  if (!ctx || !label || !json) return WGM_ERR_INVALID;
  return guard([&] { return I(ctx).report_peer(C(ctx), label, {json, len}); });
}
int f_peer_remove(wgm_ctx* ctx, const char* pubkey, const char*) {
  if (!ctx || !pubkey) return WGM_ERR_INVALID;
  auto& impl = I(ctx);
  if (!impl.peers.erase(pubkey)) return WGM_ERR_NOT_FOUND;
  impl.notify_peer(WGM_PEER_REMOVED, pubkey);
  return WGM_OK;
}
int f_peer_get(wgm_ctx* ctx, const char* pubkey, wgm_json_cb cb, void* user) {
  if (!ctx || !pubkey || !cb) return WGM_ERR_INVALID;
  auto& peers = I(ctx).peers;
  auto it = peers.find(pubkey);
  if (it == peers.end()) return WGM_ERR_NOT_FOUND;
  deliver(cb, user, it->second);
  return WGM_OK;
}
void f_peer_list(wgm_ctx* ctx, uint32_t, wgm_json_cb cb, void* user) {
  if (!ctx || !cb) return;
  std::string out = "[";
  for (const auto& [key, json] : I(ctx).peers) out += (out.size() > 1 ? "," : "") + json;
  deliver(cb, user, out + "]");
}
size_t f_peer_count(wgm_ctx* ctx, uint32_t) { return ctx ? I(ctx).peers.size() : 0; }
wgm_sub* f_peer_subscribe(wgm_ctx* ctx, wgm_peer_event_cb cb, void* user) {
  if (!ctx || !cb) return nullptr;
  return add_sub(ctx, FakeSub{C(ctx), nullptr, cb, user});
}
void f_unsubscribe(wgm_ctx* ctx, wgm_sub* sub) {
  if (!ctx || !sub) return;
  auto& subs = I(ctx).subs;
  auto it = subs.find(reinterpret_cast<FakeSub*>(sub));
  if (it != subs.end() && it->second->ctx == C(ctx)) subs.erase(it);
}
void f_request_reconcile(wgm_ctx* ctx) {
  if (ctx) I(ctx).counters["host.reconcile_requests"] += 1;
}

// ---- control channel ----
int f_control_register(wgm_ctx* ctx, const char* type, wgm_control_cb cb, void* user) {
  if (!ctx || !type || !cb) return WGM_ERR_INVALID;
  std::string t = type;
  if (t == "HELLO" || t == "REPLY" || t == "GOODBYE") return WGM_ERR_EXISTS;  // the host's own
  auto& handlers = I(ctx).control_handlers;
  if (handlers.count(t)) return WGM_ERR_EXISTS;
  handlers.emplace(t, Owned<wgm_control_cb>{C(ctx), cb, user});
  return WGM_OK;
}
int f_control_send(wgm_ctx* ctx, const char* type, const char* payload, size_t len,
                   const sockaddr* to, socklen_t) {
  if (!ctx || !type || !payload || !to) return WGM_ERR_INVALID;
  I(ctx).control_sends.push_back(
      {C(ctx)->name, type, std::string(payload, len), format_address(to)});
  return WGM_OK;
}
int f_control_exchange(wgm_ctx* ctx, const sockaddr* to, socklen_t, uint32_t, uint32_t, const char*,
                       wgm_exchange_cb cb, void* user) {
  if (!ctx || !to || !cb) return WGM_ERR_INVALID;
  I(ctx).exchanges.push_back({cb, user});
  return WGM_OK;
}

// ---- services & RPC ----
int f_service_register(wgm_ctx* ctx, const char* name, wgm_service_fn fn, void* user) {
  if (!ctx || !name || !fn) return WGM_ERR_INVALID;
  auto& services = I(ctx).services;
  if (services.count(name)) return WGM_ERR_EXISTS;
  services.emplace(name, Owned<wgm_service_fn>{C(ctx), fn, user});
  return WGM_OK;
}
int f_service_call(wgm_ctx* ctx, const char* name, const char* request, size_t len,
                   wgm_json_cb reply, void* reply_user) {
  if (!ctx || !name) return WGM_ERR_INVALID;
  auto& services = I(ctx).services;
  auto it = services.find(name);
  if (it == services.end()) return WGM_ERR_NOT_FOUND;
  auto s = it->second;
  return s.fn(s.user, request ? request : "", request ? len : 0, reply, reply_user);
}
int f_rpc_register(wgm_ctx* ctx, const char* method, const char*, wgm_rpc_handler handler,
                   void* user) {
  if (!ctx || !method || !handler) return WGM_ERR_INVALID;
  auto& methods = I(ctx).rpc_methods;
  if (methods.count(method)) return WGM_ERR_EXISTS;
  methods.emplace(method, Owned<wgm_rpc_handler>{C(ctx), handler, user});
  return WGM_OK;
}
int finish_rpc(wgm_ctx* ctx, wgm_rpc_call* call, bool is_error, const std::string& json) {
  if (!ctx || !call) return WGM_ERR_INVALID;
  auto& calls = I(ctx).rpc_calls;
  auto it = calls.find(reinterpret_cast<FakeRpcCall*>(call));
  if (it == calls.end()) return WGM_ERR_NOT_FOUND;
  auto done = std::move(it->second->done);
  calls.erase(it);
  done(is_error, json);
  return WGM_OK;
}
int f_rpc_reply(wgm_ctx* ctx, wgm_rpc_call* call, const char* result, size_t len) {
  return guard(
      [&] { return finish_rpc(ctx, call, false, result ? std::string(result, len) : "null"); });
}
int f_rpc_error(wgm_ctx* ctx, wgm_rpc_call* call, int code, const char* message) {
  return guard([&] {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("code");
    w.Int(code);
    w.Key("message");
    w.String(message ? message : "");
    w.EndObject();
    return finish_rpc(ctx, call, true, {buf.GetString(), buf.GetSize()});
  });
}
int f_rpc_dispatch(wgm_ctx* ctx, const char* method, const char* params, size_t len,
                   wgm_rpc_done_cb done, void* user) {
  if (!ctx || !method || !done) return WGM_ERR_INVALID;
  return guard([&] {
    I(ctx).rpc(method, params ? std::string(params, len) : std::string(),
               [done, user](bool is_error, const std::string& json) {
                 done(user, is_error ? 1 : 0, json.data(), json.size());
               });
    return static_cast<int>(WGM_OK);
  });
}

// ---- metrics ----
void f_counter_add(wgm_ctx* ctx, const char* name, uint64_t delta) {
  if (ctx && name) I(ctx).counters[C(ctx)->name + "." + name] += delta;
}
void f_gauge_set(wgm_ctx* ctx, const char* name, int64_t value) {
  if (ctx && name) I(ctx).gauges[C(ctx)->name + "." + name] = value;
}
void* f_native_uv_loop(wgm_ctx*) { return nullptr; }  // the fake has no libuv loop

const wgm_host_api kTable = {
    sizeof(wgm_host_api),
    WGMESH_ABI_MAJOR,
    WGMESH_ABI_MINOR,
    f_log,
    f_monotonic_ms,
    f_wall_ms,
    f_config_json,
    f_state_dir,
    f_node_settings_json,
    f_timer_start,
    f_timer_stop,
    f_udp_open,
    f_udp_send,
    f_udp_join,
    f_udp_leave,
    f_udp_set_option,
    f_udp_send_multicast,
    f_udp_local_port,
    f_udp_close,
    f_fd_watch,
    f_fd_unwatch,
    f_work_submit,
    f_key_value,
    f_hourly_infohash,
    f_epoch_hmac,
    f_envelope_seal,
    f_envelope_open,
    f_local_announcement,
    f_local_node_json,
    f_local_set_endpoint,
    f_local_set_nat_type,
    f_local_subscribe,
    f_peer_register_source,
    f_peer_report,
    f_peer_remove,
    f_peer_get,
    f_peer_list,
    f_peer_count,
    f_peer_subscribe,
    f_unsubscribe,
    f_request_reconcile,
    f_control_register,
    f_control_send,
    f_control_exchange,
    f_service_register,
    f_service_call,
    f_rpc_register,
    f_rpc_reply,
    f_rpc_error,
    f_rpc_dispatch,
    f_counter_add,
    f_gauge_set,
    f_native_uv_loop,
};

}  // namespace

const wgm_host_api* fake_host_table() { return &kTable; }

// ---- the peer store double and event fan-out ----

int FakeHost::Impl::report_peer(FakeCtx* ctx, const std::string& label, const std::string& json) {
  (void)ctx;
  if (!sources.count(label)) return WGM_ERR_NOT_FOUND;  // register_source first
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return WGM_ERR_INVALID;
  auto key = doc.FindMember("wg_pubkey");
  if (key == doc.MemberEnd() || !key->value.IsString() || key->value.GetStringLength() == 0)
    return WGM_ERR_INVALID;
  if (peer_report_status != WGM_OK) return peer_report_status;
  std::string pubkey = key->value.GetString();
  reports.push_back({ctx->name, label, json, now()});
  // Stored record: the earlier one with this report's keys laid over it.
  rapidjson::Document stored;
  auto it = peers.find(pubkey);
  bool is_new = it == peers.end();
  if (is_new)
    stored.SetObject();
  else
    stored.Parse(it->second.c_str());
  for (auto& m : doc.GetObject()) {
    rapidjson::Value name(m.name, stored.GetAllocator());
    rapidjson::Value value(m.value, stored.GetAllocator());
    if (auto old = stored.FindMember(name); old != stored.MemberEnd())
      old->value = value;
    else
      stored.AddMember(name, value, stored.GetAllocator());
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  stored.Accept(w);
  peers[pubkey] = {buf.GetString(), buf.GetSize()};
  notify_peer(is_new ? WGM_PEER_NEW : WGM_PEER_UPDATED, pubkey);
  return WGM_OK;
}

void FakeHost::Impl::notify_peer(wgm_peer_event kind, const std::string& pubkey) {
  for (auto& [ptr, sub] : subs) {
    if (!sub->peer_cb) continue;
    FakeSub* s = ptr;
    events.push_back([this, s, kind, pubkey] {
      if (subs.count(s)) s->peer_cb(s->user, kind, pubkey.c_str());
    });
  }
}

void FakeHost::Impl::notify_local() {
  for (auto& [ptr, sub] : subs) {
    if (!sub->local_cb) continue;
    FakeSub* s = ptr;
    events.push_back([this, s] {
      if (subs.count(s)) s->local_cb(s->user);
    });
  }
}

}  // namespace wgmesh::test
