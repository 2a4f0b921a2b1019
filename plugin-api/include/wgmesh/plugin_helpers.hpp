// Optional header-only C++ helpers for plugin authors. They add NO ABI: everything here is
// inline code over the C table in plugin.h, compiled into the plugin itself.
#pragma once

#include <wgmesh/plugin.h>

#include <cstdarg>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace wgm {

// Collects a borrowed JSON buffer (wgm_json_cb) into a std::string.
inline void append_json(void* user, const char* json, size_t len) {
  static_cast<std::string*>(user)->assign(json, len);
}

// Calls a host function of the shape f(ctx, ..., wgm_json_cb, void*) and returns the text.
template <typename Fn, typename... Args>
std::string fetch_json(const wgm_host_api* host, Fn fn, wgm_ctx* ctx, Args&&... args) {
  std::string out;
  (host->*fn)(ctx, std::forward<Args>(args)..., &append_json, &out);
  return out;
}

// A derived key value (host->key_value) as text; nullopt when the host has none to give
// (unknown name, no mesh secret configured). Every value the host documents fits in 128.
inline std::optional<std::string> key_text(const wgm_host_api* host, wgm_ctx* ctx,
                                           const char* name) {
  char buf[128] = {0};
  int rc = host->key_value(ctx, name, buf, sizeof buf);
  if (rc < 0) return std::nullopt;
  return std::string(buf, static_cast<size_t>(rc));
}

// The first characters of a peer key for log lines. Keys arrive from the network, so
// anything unprintable is masked even where strict validation should have left only base64.
inline std::string short_key(const std::string& key) {
  std::string out = key.substr(0, 8);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  return out;
}

// printf-style logging through the host (the host adds time, level and plugin name).
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
inline void
logf(const wgm_host_api* host, wgm_ctx* ctx, wgm_log_level level, const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  host->log(ctx, level, buf);
}

// Runs `body` and converts any escaping exception into WGM_ERR_INTERNAL (plus a log line),
// so that no exception ever crosses the C ABI.
template <typename Body>
int guarded(const wgm_host_api* host, wgm_ctx* ctx, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    if (host && ctx) logf(host, ctx, WGM_LOG_ERROR, "internal error: %s", e.what());
  } catch (...) {
    if (host && ctx) host->log(ctx, WGM_LOG_ERROR, "internal error (unknown exception)");
  }
  return WGM_ERR_INTERNAL;
}

// The four lifecycle entry points of wgm_plugin_desc for a C++ plugin class:
//   static int Plugin::create(const wgm_host_api*, wgm_ctx*, std::unique_ptr<Plugin>&);
//   int start();  void stop();  and its destructor for destroy.
// Each one runs under guarded(), so no exception unwinds into the host. Use as
// `wgm::PluginLifecycle<MyPlugin>::create` (etc.) in the descriptor.
template <typename Plugin>
struct PluginLifecycle {
  static int create(const wgm_host_api* host, wgm_ctx* ctx, void** instance) {
    if (!host || !instance) return WGM_ERR_INVALID;
    return guarded(host, ctx, [&] {
      std::unique_ptr<Plugin> plugin;
      int rc = Plugin::create(host, ctx, plugin);
      if (rc != WGM_OK) return rc;
      *instance = std::make_unique<Instance>(Instance{host, ctx, std::move(plugin)}).release();
      return static_cast<int>(WGM_OK);
    });
  }

  static int start(void* instance) {
    auto* self = static_cast<Instance*>(instance);
    if (!self) return WGM_ERR_INVALID;
    return guarded(self->host, self->ctx, [&] { return self->plugin->start(); });
  }

  static void stop(void* instance) {
    auto* self = static_cast<Instance*>(instance);
    if (!self) return;
    guarded(self->host, self->ctx, [&] {
      self->plugin->stop();
      return 0;
    });
  }

  static void destroy(void* instance) {
    // Ownership comes back from the host here (it got it from release() in create).
    std::unique_ptr<Instance> self(static_cast<Instance*>(instance));
    if (!self) return;
    guarded(self->host, self->ctx, [&] {
      self->plugin.reset();
      return 0;
    });
  }

 private:
  // The instance handed to the host: the plugin plus what guarded() needs to log.
  struct Instance {
    const wgm_host_api* host;
    wgm_ctx* ctx;
    std::unique_ptr<Plugin> plugin;
  };
};

// RAII owner of a host timer.
class Timer {
 public:
  Timer() = default;
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer() { stop(); }

  void start(const wgm_host_api* host, wgm_ctx* ctx, uint64_t first_ms, uint64_t repeat_ms,
             wgm_timer_cb cb, void* user) {
    stop();
    host_ = host;
    ctx_ = ctx;
    timer_ = host->timer_start(ctx, first_ms, repeat_ms, cb, user);
  }
  void stop() {
    if (timer_ && host_) host_->timer_stop(ctx_, timer_);
    timer_ = nullptr;
  }
  bool running() const { return timer_ != nullptr; }

 private:
  const wgm_host_api* host_ = nullptr;
  wgm_ctx* ctx_ = nullptr;
  wgm_timer* timer_ = nullptr;
};

// RAII owner of a host UDP socket, so stop() and every error path close it exactly once.
class UdpHandle {
 public:
  UdpHandle() = default;
  UdpHandle(const UdpHandle&) = delete;
  UdpHandle& operator=(const UdpHandle&) = delete;
  ~UdpHandle() { close(); }

  // Opens a socket; on failure returns the host status and stays closed.
  int open(const wgm_host_api* host, wgm_ctx* ctx, const wgm_udp_options& options,
           wgm_udp_recv_cb cb, void* user) {
    close();
    wgm_udp* sock = nullptr;
    int rc = host->udp_open(ctx, &options, cb, user, &sock);
    if (rc != WGM_OK || !sock) return rc != WGM_OK ? rc : WGM_ERR_INTERNAL;
    host_ = host;
    ctx_ = ctx;
    sock_ = sock;
    return WGM_OK;
  }
  void close() {
    if (sock_) host_->udp_close(ctx_, std::exchange(sock_, nullptr));
  }
  // The bound port, or 0 when closed.
  int port() const {
    if (!sock_) return 0;
    int p = host_->udp_local_port(ctx_, sock_);
    return p > 0 ? p : 0;
  }
  wgm_udp* get() const { return sock_; }
  explicit operator bool() const { return sock_ != nullptr; }

 private:
  const wgm_host_api* host_ = nullptr;
  wgm_ctx* ctx_ = nullptr;
  wgm_udp* sock_ = nullptr;
};

// RAII owner of a peer or local-node subscription (released with host->unsubscribe).
class SubscriptionHandle {
 public:
  SubscriptionHandle() = default;
  SubscriptionHandle(const SubscriptionHandle&) = delete;
  SubscriptionHandle& operator=(const SubscriptionHandle&) = delete;
  ~SubscriptionHandle() { reset(); }

  void assign(const wgm_host_api* host, wgm_ctx* ctx, wgm_sub* sub) {
    reset();
    host_ = host;
    ctx_ = ctx;
    sub_ = sub;
  }
  void reset() {
    if (sub_) host_->unsubscribe(ctx_, std::exchange(sub_, nullptr));
  }
  explicit operator bool() const { return sub_ != nullptr; }

 private:
  const wgm_host_api* host_ = nullptr;
  wgm_ctx* ctx_ = nullptr;
  wgm_sub* sub_ = nullptr;
};

}  // namespace wgm
