// Optional header-only C++ helpers for plugin authors. They add NO ABI: everything here is
// inline code over the C table in plugin.h, compiled into the plugin itself.
#pragma once

#include <wgmesh/plugin.h>

#include <cstdarg>
#include <cstdio>
#include <exception>
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

// printf-style logging through the host (the host adds time, level and plugin name).
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
inline void logf(const wgm_host_api* host, wgm_ctx* ctx, wgm_log_level level, const char* fmt,
                 ...) {
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

}  // namespace wgm
