// Implementation of wgm_host_api: thin, defensive adapters from the C ABI onto the host's
// C++ services. Every entry point validates its arguments, never throws, and never lets a
// plugin reach another plugin's resources.
#include <sys/socket.h>
#include <uv.h>

#include <chrono>
#include <cstring>
#include <exception>

#include "runtime/logger.h"
#include "runtime/plugin_context.h"

using namespace wgmesh;

wgm_ctx::~wgm_ctx() {
  alive.reset();  // first: answers to this plugin's own dispatches are dropped from now on
  for (auto& [ptr, call] : rpc_calls)
    if (call->responder) call->responder->error(kRpcInternalError, "plugin " + name + " unloaded");
  rpc_calls.clear();
  sockets.clear();
  timers.clear();
  watches.clear();
  if (core.mesh)
    for (auto& [ptr, sub] : subscriptions) core.mesh->unsubscribe(sub->id);
  subscriptions.clear();
}

namespace {

// Runs a body and turns any C++ exception into WGM_ERR_INTERNAL so nothing crosses the ABI.
template <typename Body>
int guard(wgm_ctx* ctx, const char* what, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    if (ctx) log_error(ctx->name, std::string(what) + ": internal error: " + e.what());
  } catch (...) {
    if (ctx) log_error(ctx->name, std::string(what) + ": internal error");
  }
  return WGM_ERR_INTERNAL;
}

void deliver(wgm_json_cb cb, void* user, const std::string& s) {
  if (cb) cb(user, s.data(), s.size());
}

// ---- logging & clocks ----
void h_log(wgm_ctx* ctx, wgm_log_level level, const char* message) {
  if (!ctx || !message) return;
  LogLevel l = LogLevel::Info;
  switch (level) {
    case WGM_LOG_DEBUG: l = LogLevel::Debug; break;
    case WGM_LOG_INFO: l = LogLevel::Info; break;
    case WGM_LOG_WARN: l = LogLevel::Warn; break;
    case WGM_LOG_ERROR: l = LogLevel::Error; break;
  }
  Logger::instance().write(l, ctx->name, message);
}

uint64_t h_monotonic_ms(wgm_ctx* ctx) { return ctx ? ctx->core.loop.now_ms() : 0; }

int64_t h_wall_ms(wgm_ctx*) {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// ---- configuration ----
void h_config_json(wgm_ctx* ctx, wgm_json_cb cb, void* user) {
  if (ctx) deliver(cb, user, ctx->config_json);
}
const char* h_state_dir(wgm_ctx* ctx) { return ctx ? ctx->core.state_dir.c_str() : ""; }
void h_node_settings_json(wgm_ctx* ctx, wgm_json_cb cb, void* user) {
  if (ctx) deliver(cb, user, ctx->core.node_settings_json);
}

// ---- timers ----
wgm_timer* h_timer_start(wgm_ctx* ctx, uint64_t first_ms, uint64_t repeat_ms, wgm_timer_cb cb,
                         void* user) {
  if (!ctx || !cb) return nullptr;
  try {
    auto t = std::make_unique<wgm_timer>();
    t->timer = std::make_unique<Timer>(ctx->core.loop);
    t->cb = cb;
    t->user = user;
    wgm_timer* raw = t.get();
    raw->timer->start(first_ms, repeat_ms, [raw] { raw->cb(raw->user); });
    ctx->timers.emplace(raw, std::move(t));
    return raw;
  } catch (...) {
    return nullptr;
  }
}

void h_timer_stop(wgm_ctx* ctx, wgm_timer* timer) {
  if (!ctx || !timer) return;
  ctx->timers.erase(timer);
}

// ---- UDP ----
int h_udp_open(wgm_ctx* ctx, const wgm_udp_options* o, wgm_udp_recv_cb cb, void* user,
               wgm_udp** out) {
  if (!ctx || !o || !out) return WGM_ERR_INVALID;
  return guard(ctx, "udp_open", [&] {
    UdpOptions opt;
    opt.family = o->family;
    if (o->bind_addr) opt.bind_addr = o->bind_addr;
    opt.port = o->port;
    opt.reuse_addr = (o->flags & WGM_UDP_REUSEADDR) != 0;
    opt.v6only = (o->flags & WGM_UDP_V6ONLY) != 0;
    opt.receive = (o->flags & WGM_UDP_NO_RECV) == 0 && cb != nullptr;
    opt.recv_buffer = o->recv_buffer;
    opt.max_datagram = o->max_datagram ? o->max_datagram : 65536;
    std::string plugin = ctx->name;
    Metrics* metrics = &ctx->core.metrics;
    auto sock = UdpSocket::open(ctx->core.loop, opt,
                                [cb, user](const uint8_t* d, size_t n, const sockaddr* from,
                                           socklen_t from_len) {
                                  if (cb) cb(user, d, n, from, from_len);
                                });
    if (!sock.ok()) {
      log_warn(plugin, sock.message());
      metrics->add(plugin + ".udp_open_errors");
      return static_cast<int>(WGM_ERR_IO);
    }
    auto h = std::make_unique<wgm_udp>();
    h->socket = std::move(sock.value());
    *out = h.get();
    ctx->sockets.emplace(h.get(), std::move(h));
    return static_cast<int>(WGM_OK);
  });
}

UdpSocket* find_socket(wgm_ctx* ctx, wgm_udp* s) {
  if (!ctx || !s) return nullptr;
  auto it = ctx->sockets.find(s);
  return it == ctx->sockets.end() ? nullptr : it->second->socket.get();
}

int h_udp_send(wgm_ctx* ctx, wgm_udp* s, const sockaddr* to, socklen_t to_len,
               const uint8_t* data, size_t len) {
  UdpSocket* sock = find_socket(ctx, s);
  if (!sock || !to || (!data && len)) return WGM_ERR_INVALID;
  return guard(ctx, "udp_send", [&] {
    Status st = sock->send_to(to, to_len, data, len);
    if (!st.ok()) {
      ctx->core.metrics.add(ctx->name + ".udp_send_errors");
      log_debug(ctx->name, st.message());
      return static_cast<int>(WGM_ERR_IO);
    }
    return static_cast<int>(WGM_OK);
  });
}

int membership(wgm_ctx* ctx, wgm_udp* s, const char* group, const char* ifname, bool join) {
  UdpSocket* sock = find_socket(ctx, s);
  if (!sock || !group) return WGM_ERR_INVALID;
  return guard(ctx, "udp_join", [&] {
    Status st = join ? sock->join(group, ifname ? ifname : "") : sock->leave(group, ifname ? ifname : "");
    if (!st.ok()) {
      log_warn(ctx->name, st.message());
      return static_cast<int>(WGM_ERR_IO);
    }
    return static_cast<int>(WGM_OK);
  });
}
int h_udp_join(wgm_ctx* c, wgm_udp* s, const char* g, const char* i) { return membership(c, s, g, i, true); }
int h_udp_leave(wgm_ctx* c, wgm_udp* s, const char* g, const char* i) { return membership(c, s, g, i, false); }

int h_udp_set_option(wgm_ctx* ctx, wgm_udp* s, wgm_udp_option option, int value) {
  UdpSocket* sock = find_socket(ctx, s);
  if (!sock) return WGM_ERR_INVALID;
  Status st;
  switch (option) {
    case WGM_UDP_OPT_MCAST_TTL: st = sock->set_multicast_ttl(value); break;
    case WGM_UDP_OPT_MCAST_LOOP: st = sock->set_multicast_loop(value != 0); break;
    case WGM_UDP_OPT_TTL: st = sock->set_ttl(value); break;
    default: return WGM_ERR_UNSUPPORTED;
  }
  return st.ok() ? WGM_OK : WGM_ERR_IO;
}

int h_udp_send_multicast(wgm_ctx* ctx, wgm_udp* s, const char* group, uint16_t port,
                         const char* ifname, const uint8_t* data, size_t len) {
  UdpSocket* sock = find_socket(ctx, s);
  if (!sock || !group || (!data && len)) return WGM_ERR_INVALID;
  return guard(ctx, "udp_send_multicast", [&] {
    Status st = sock->send_multicast(group, port, ifname ? ifname : "", data, len);
    if (!st.ok()) {
      ctx->core.metrics.add(ctx->name + ".udp_send_errors");
      log_debug(ctx->name, st.message());
      return static_cast<int>(WGM_ERR_IO);
    }
    return static_cast<int>(WGM_OK);
  });
}

int h_udp_local_port(wgm_ctx* ctx, wgm_udp* s) {
  UdpSocket* sock = find_socket(ctx, s);
  return sock ? static_cast<int>(sock->local_port()) : static_cast<int>(WGM_ERR_INVALID);
}

void h_udp_close(wgm_ctx* ctx, wgm_udp* s) {
  if (!ctx || !s) return;
  auto it = ctx->sockets.find(s);
  if (it == ctx->sockets.end()) return;
  // The plugin may be closing the socket from inside its own receive callback, which runs
  // in the socket's read loop: stop it now, free it on the next loop turn.
  it->second->socket->shutdown();
  std::shared_ptr<wgm_udp> doomed(std::move(it->second));
  ctx->sockets.erase(it);
  ctx->core.loop.post([doomed] {});
}

// ---- fd watch ----
wgm_watch* h_fd_watch(wgm_ctx* ctx, int fd, int events, wgm_fd_cb cb, void* user) {
  if (!ctx || fd < 0 || !cb) return nullptr;
  try {
    auto w = std::make_unique<wgm_watch>();
    w->watch = std::make_unique<FdWatch>(ctx->core.loop, fd);
    if (!w->watch->ok()) return nullptr;  // e.g. an fd that cannot be polled, or watched twice
    int uv_events = ((events & WGM_FD_READABLE) ? UV_READABLE : 0) |
                    ((events & WGM_FD_WRITABLE) ? UV_WRITABLE : 0);
    int rc = w->watch->start(uv_events, [cb, user, fd](int status, int ev) {
      int out = 0;
      if (status < 0) out |= WGM_FD_ERROR;
      if (ev & UV_READABLE) out |= WGM_FD_READABLE;
      if (ev & UV_WRITABLE) out |= WGM_FD_WRITABLE;
      cb(user, fd, out);
    });
    if (rc != 0) return nullptr;
    wgm_watch* raw = w.get();
    ctx->watches.emplace(raw, std::move(w));
    return raw;
  } catch (...) {
    return nullptr;
  }
}

void h_fd_unwatch(wgm_ctx* ctx, wgm_watch* w) {
  if (ctx && w) ctx->watches.erase(w);
}

// ---- work queue ----
int h_work_submit(wgm_ctx* ctx, wgm_work_fn work, wgm_work_done_fn done, void* user) {
  if (!ctx || !work) return WGM_ERR_INVALID;
  int rc = submit_work(
      ctx->core.loop, [work, user] { work(user); },
      [done, user](bool cancelled) {
        if (done) done(user, cancelled ? 1 : 0);
      });
  return rc == 0 ? WGM_OK : WGM_ERR_IO;
}

// ---- keys & envelope ----
MeshServices* mesh_of(wgm_ctx* ctx) { return ctx ? ctx->core.mesh : nullptr; }

int h_key_value(wgm_ctx* ctx, const char* name, char* buf, size_t cap) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh) return WGM_ERR_STATE;
  if (!name || !buf) return WGM_ERR_INVALID;
  return guard(ctx, "key_value", [&] {
    std::string out;
    int rc = mesh->key_value(name, out);
    if (rc != WGM_OK) return rc;
    if (out.size() + 1 > cap) return static_cast<int>(WGM_ERR_LIMIT);
    std::memcpy(buf, out.c_str(), out.size() + 1);
    return static_cast<int>(out.size());
  });
}

int h_hourly_infohash(wgm_ctx* ctx, int64_t unix_seconds, uint8_t out[20]) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh) return WGM_ERR_STATE;
  if (!out) return WGM_ERR_INVALID;
  return guard(ctx, "hourly_infohash", [&] { return mesh->hourly_infohash(unix_seconds, out); });
}

int h_epoch_hmac(wgm_ctx* ctx, const uint8_t* msg, size_t len, uint8_t out[32]) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh) return WGM_ERR_STATE;
  if ((!msg && len) || !out) return WGM_ERR_INVALID;
  return guard(ctx, "epoch_hmac", [&] { return mesh->epoch_hmac(msg, len, out); });
}

int h_envelope_seal(wgm_ctx* ctx, const char* type, const char* payload, size_t len,
                    wgm_json_cb cb, void* user) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh) return WGM_ERR_STATE;
  if (!type || !payload || !cb) return WGM_ERR_INVALID;
  return guard(ctx, "envelope_seal", [&] {
    std::string out;
    int rc = mesh->seal(type, std::string(payload, len), out);
    if (rc == WGM_OK) deliver(cb, user, out);
    return rc;
  });
}

int h_envelope_open(wgm_ctx* ctx, const uint8_t* data, size_t len, uint32_t flags,
                    const sockaddr* from, socklen_t from_len, wgm_open_cb cb, void* user) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh) return WGM_ERR_STATE;
  if (!data || !cb) return WGM_ERR_INVALID;
  return guard(ctx, "envelope_open", [&] {
    std::string type, payload;
    int rc = mesh->open(data, len, flags, from, from_len, type, payload);
    if (rc == WGM_OK) cb(user, type.c_str(), payload.data(), payload.size());
    return rc;
  });
}

void h_local_announcement(wgm_ctx* ctx, uint32_t max_known, wgm_json_cb cb, void* user) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh || !cb) return;
  guard(ctx, "local_announcement", [&] {
    deliver(cb, user, mesh->local_announcement(max_known));
    return 0;
  });
}

// ---- local node ----
void h_local_node_json(wgm_ctx* ctx, wgm_json_cb cb, void* user) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh || !cb) return;
  guard(ctx, "local_node_json", [&] {
    deliver(cb, user, mesh->local_node_json());
    return 0;
  });
}

int h_local_set_endpoint(wgm_ctx* ctx, const char* endpoint, const char* source) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh) return WGM_ERR_STATE;
  if (!endpoint) return WGM_ERR_INVALID;
  return guard(ctx, "local_set_endpoint", [&] {
    return mesh->set_local_endpoint(endpoint, source ? source : ctx->name);
  });
}

int h_local_set_nat_type(wgm_ctx* ctx, const char* nat) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh) return WGM_ERR_STATE;
  if (!nat) return WGM_ERR_INVALID;
  return guard(ctx, "local_set_nat_type", [&] { return mesh->set_local_nat_type(nat); });
}

wgm_sub* add_subscription(wgm_ctx* ctx, uint64_t id) {
  if (id == 0) return nullptr;
  auto s = std::make_unique<wgm_sub>();
  s->id = id;
  wgm_sub* raw = s.get();
  ctx->subscriptions.emplace(raw, std::move(s));
  return raw;
}

wgm_sub* h_local_subscribe(wgm_ctx* ctx, wgm_local_changed_cb cb, void* user) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh || !cb) return nullptr;
  try {
    return add_subscription(ctx, mesh->subscribe_local([cb, user] { cb(user); }));
  } catch (...) {
    return nullptr;
  }
}

// ---- peer store ----
int h_peer_register_source(wgm_ctx* ctx, const char* label, int rank, wgm_source_class cls) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh) return WGM_ERR_STATE;
  if (!label || cls < WGM_SOURCE_LAN || cls > WGM_SOURCE_CACHE) return WGM_ERR_INVALID;
  return guard(ctx, "peer_register_source",
               [&] { return mesh->register_source(label, rank, static_cast<int>(cls)); });
}

int h_peer_report(wgm_ctx* ctx, const char* label, const char* json, size_t len) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh) return WGM_ERR_STATE;
  if (!label || !json) return WGM_ERR_INVALID;
  return guard(ctx, "peer_report",
               [&] { return mesh->report_peer(label, std::string(json, len), ctx->name); });
}

int h_peer_remove(wgm_ctx* ctx, const char* pubkey, const char* reason) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh) return WGM_ERR_STATE;
  if (!pubkey) return WGM_ERR_INVALID;
  return guard(ctx, "peer_remove",
               [&] { return mesh->remove_peer(pubkey, reason ? reason : ctx->name); });
}

int h_peer_get(wgm_ctx* ctx, const char* pubkey, wgm_json_cb cb, void* user) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh) return WGM_ERR_STATE;
  if (!pubkey || !cb) return WGM_ERR_INVALID;
  return guard(ctx, "peer_get", [&] {
    std::string out;
    int rc = mesh->peer_json(pubkey, out);
    if (rc == WGM_OK) deliver(cb, user, out);
    return rc;
  });
}

void h_peer_list(wgm_ctx* ctx, uint32_t flags, wgm_json_cb cb, void* user) {
  MeshServices* mesh = mesh_of(ctx);
  if (!cb) return;
  if (!mesh) {
    deliver(cb, user, "[]");
    return;
  }
  guard(ctx, "peer_list", [&] {
    deliver(cb, user, mesh->peers_json((flags & WGM_PEERS_ACTIVE_ONLY) != 0));
    return 0;
  });
}

size_t h_peer_count(wgm_ctx* ctx, uint32_t flags) {
  MeshServices* mesh = mesh_of(ctx);
  return mesh ? mesh->peer_count((flags & WGM_PEERS_ACTIVE_ONLY) != 0) : 0;
}

wgm_sub* h_peer_subscribe(wgm_ctx* ctx, wgm_peer_event_cb cb, void* user) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh || !cb) return nullptr;
  try {
    return add_subscription(ctx, mesh->subscribe_peers([cb, user](PeerEvent kind, const std::string& key) {
      cb(user, static_cast<wgm_peer_event>(kind), key.c_str());
    }));
  } catch (...) {
    return nullptr;
  }
}

void h_unsubscribe(wgm_ctx* ctx, wgm_sub* sub) {
  if (!ctx || !sub) return;
  auto it = ctx->subscriptions.find(sub);
  if (it == ctx->subscriptions.end()) return;
  if (ctx->core.mesh) ctx->core.mesh->unsubscribe(it->second->id);
  ctx->subscriptions.erase(it);
}

void h_request_reconcile(wgm_ctx* ctx) {
  if (MeshServices* mesh = mesh_of(ctx)) mesh->request_reconcile();
}

// ---- control channel ----
int h_control_register(wgm_ctx* ctx, const char* type, wgm_control_cb cb, void* user) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh) return WGM_ERR_STATE;
  if (!type || !cb) return WGM_ERR_INVALID;
  return guard(ctx, "control_register", [&] {
    return mesh->control_register(type, ctx->name, [cb, user](const ControlMessage& m) {
      cb(user, m.type.c_str(), m.payload.data(), m.payload.size(), m.from, m.from_len,
         m.retransmission ? 1 : 0);
    });
  });
}

int h_control_send(wgm_ctx* ctx, const char* type, const char* payload, size_t len,
                   const sockaddr* to, socklen_t to_len) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh) return WGM_ERR_STATE;
  if (!type || !payload || !to) return WGM_ERR_INVALID;
  return guard(ctx, "control_send",
               [&] { return mesh->control_send(type, std::string(payload, len), to, to_len); });
}

int h_control_exchange(wgm_ctx* ctx, const sockaddr* to, socklen_t to_len, uint32_t flags,
                       uint32_t timeout_ms, const char* label, wgm_exchange_cb cb, void* user) {
  MeshServices* mesh = mesh_of(ctx);
  if (!mesh) return WGM_ERR_STATE;
  if (!to || !cb) return WGM_ERR_INVALID;
  return guard(ctx, "control_exchange", [&] {
    return mesh->control_exchange(to, to_len, flags, timeout_ms, label ? label : "dht",
                                  [cb, user](int status, const std::string& peer) {
                                    cb(user, status, peer.data(), peer.size());
                                  });
  });
}

// ---- services ----
int h_service_register(wgm_ctx* ctx, const char* name, wgm_service_fn fn, void* user) {
  if (!ctx || !name || !fn) return WGM_ERR_INVALID;
  return guard(ctx, "service_register", [&] {
    Status st = ctx->core.services.add(name, ctx->name, [fn, user](const std::string& req, std::string& reply) {
      return fn(user, req.data(), req.size(),
                [](void* u, const char* json, size_t len) { static_cast<std::string*>(u)->assign(json, len); },
                &reply);
    });
    if (!st.ok()) {
      log_warn(ctx->name, st.message());
      return static_cast<int>(WGM_ERR_EXISTS);
    }
    return static_cast<int>(WGM_OK);
  });
}

int h_service_call(wgm_ctx* ctx, const char* name, const char* request, size_t len,
                   wgm_json_cb reply, void* reply_user) {
  if (!ctx || !name) return WGM_ERR_INVALID;
  return guard(ctx, "service_call", [&] {
    std::string out;
    int rc = ctx->core.services.call(name, request ? std::string(request, len) : std::string(), out);
    if (rc == WGM_OK && reply) deliver(reply, reply_user, out);
    return rc;
  });
}

// ---- RPC ----
int h_rpc_register(wgm_ctx* ctx, const char* method, const char* description,
                   wgm_rpc_handler handler, void* user) {
  if (!ctx || !method || !handler) return WGM_ERR_INVALID;
  return guard(ctx, "rpc_register", [&] {
    Status st = ctx->core.rpc.add(
        method, ctx->name, description ? description : "",
        [ctx, handler, user](std::shared_ptr<RpcResponder> responder, const std::string& params) {
          auto call = std::make_unique<wgm_rpc_call>();
          call->responder = std::move(responder);
          wgm_rpc_call* raw = call.get();
          ctx->rpc_calls.emplace(raw, std::move(call));
          handler(user, raw, params.data(), params.size());
        });
    if (!st.ok()) {
      log_warn(ctx->name, st.message());
      return static_cast<int>(WGM_ERR_EXISTS);
    }
    return static_cast<int>(WGM_OK);
  });
}

int finish_call(wgm_ctx* ctx, wgm_rpc_call* call, const std::function<void(RpcResponder&)>& fn) {
  if (!ctx || !call) return WGM_ERR_INVALID;
  auto it = ctx->rpc_calls.find(call);
  if (it == ctx->rpc_calls.end()) return WGM_ERR_NOT_FOUND;  // answered already or not ours
  auto responder = it->second->responder;
  ctx->rpc_calls.erase(it);
  fn(*responder);
  return WGM_OK;
}

int h_rpc_reply(wgm_ctx* ctx, wgm_rpc_call* call, const char* result, size_t len) {
  return guard(ctx, "rpc_reply", [&] {
    return finish_call(ctx, call, [&](RpcResponder& r) {
      r.reply(result ? std::string(result, len) : std::string("null"));
    });
  });
}

int h_rpc_error(wgm_ctx* ctx, wgm_rpc_call* call, int code, const char* message) {
  return guard(ctx, "rpc_error", [&] {
    return finish_call(ctx, call, [&](RpcResponder& r) { r.error(code, message ? message : ""); });
  });
}

int h_rpc_dispatch(wgm_ctx* ctx, const char* method, const char* params, size_t len,
                   wgm_rpc_done_cb done, void* user) {
  if (!ctx || !method || !done) return WGM_ERR_INVALID;
  return guard(ctx, "rpc_dispatch", [&] {
    std::weak_ptr<int> caller = ctx->alive;
    ctx->core.rpc.dispatch(method, params ? std::string(params, len) : std::string(),
                           [done, user, caller](bool is_error, const std::string& json) {
                             if (caller.expired()) return;  // the transport plugin is gone
                             done(user, is_error ? 1 : 0, json.data(), json.size());
                           });
    return static_cast<int>(WGM_OK);
  });
}

// ---- metrics ----
void h_counter_add(wgm_ctx* ctx, const char* name, uint64_t delta) {
  if (ctx && name) ctx->core.metrics.add(ctx->name + "." + name, delta);
}
void h_gauge_set(wgm_ctx* ctx, const char* name, int64_t value) {
  if (ctx && name) ctx->core.metrics.set(ctx->name + "." + name, value);
}

void* h_native_uv_loop(wgm_ctx* ctx) {
  if (!ctx || !ctx->desc || !(ctx->desc->flags & WGM_PLUGIN_NEEDS_UV_LOOP)) return nullptr;
  if (ctx->desc->uv_major != UV_VERSION_MAJOR) return nullptr;
  return ctx->core.loop.raw();
}

const wgm_host_api kHostApi = {
    sizeof(wgm_host_api),
    WGMESH_ABI_MAJOR,
    WGMESH_ABI_MINOR,
    h_log,
    h_monotonic_ms,
    h_wall_ms,
    h_config_json,
    h_state_dir,
    h_node_settings_json,
    h_timer_start,
    h_timer_stop,
    h_udp_open,
    h_udp_send,
    h_udp_join,
    h_udp_leave,
    h_udp_set_option,
    h_udp_send_multicast,
    h_udp_local_port,
    h_udp_close,
    h_fd_watch,
    h_fd_unwatch,
    h_work_submit,
    h_key_value,
    h_hourly_infohash,
    h_epoch_hmac,
    h_envelope_seal,
    h_envelope_open,
    h_local_announcement,
    h_local_node_json,
    h_local_set_endpoint,
    h_local_set_nat_type,
    h_local_subscribe,
    h_peer_register_source,
    h_peer_report,
    h_peer_remove,
    h_peer_get,
    h_peer_list,
    h_peer_count,
    h_peer_subscribe,
    h_unsubscribe,
    h_request_reconcile,
    h_control_register,
    h_control_send,
    h_control_exchange,
    h_service_register,
    h_service_call,
    h_rpc_register,
    h_rpc_reply,
    h_rpc_error,
    h_rpc_dispatch,
    h_counter_add,
    h_gauge_set,
    h_native_uv_loop,
};

}  // namespace

namespace wgmesh {
const wgm_host_api* host_api_table() { return &kHostApi; }
}  // namespace wgmesh
