// The host's single libuv loop and RAII wrappers for the handles it hands out.
// libuv handles must be closed (uv_close) before their memory is freed, and the free must
// happen in the close callback; every wrapper here follows that rule so no handle outlives
// or predeceases its owner.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace wgmesh {

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  uv_loop_t* raw() { return loop_.get(); }
  void run();   // until stop() or no more active handles
  void stop();  // makes run() return after the current iteration
  uint64_t now_ms() { return uv_now(loop_.get()); }
  // Runs the loop until `done` returns true or `timeout_ms` passes (tests and shutdown).
  bool run_until(const std::function<bool()>& done, uint64_t timeout_ms);
  // Runs `fn` on the loop thread at the next iteration (never re-entrantly): used to free
  // objects whose own callback is still on the stack.
  void post(std::function<void()> fn);

 private:
  void run_posted();
  std::unique_ptr<uv_loop_t> loop_;
  std::unique_ptr<uv_idle_t> idle_;
  std::vector<std::function<void()>> posted_;
};

// A timer owned by its creator; destroying it stops and closes it.
class Timer {
 public:
  explicit Timer(EventLoop& loop);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  void start(uint64_t first_ms, uint64_t repeat_ms, std::function<void()> cb);
  void stop();
  bool active() const;

 private:
  struct Handle;
  Handle* handle_;  // freed in the uv close callback
};

// Watches a file descriptor for readability/writability.
class FdWatch {
 public:
  FdWatch(EventLoop& loop, int fd);
  ~FdWatch();
  FdWatch(const FdWatch&) = delete;
  FdWatch& operator=(const FdWatch&) = delete;

  // events: UV_READABLE | UV_WRITABLE. cb(status, events); status < 0 on error.
  int start(int events, std::function<void(int status, int events)> cb);
  void stop();
  bool ok() const { return init_status_ == 0; }  // false: the fd cannot be watched

 private:
  struct Handle;
  Handle* handle_;
  int init_status_ = 0;
};

// A signal watcher (SIGTERM, SIGINT, SIGHUP) delivered on the loop.
class SignalWatch {
 public:
  SignalWatch(EventLoop& loop, int signum, std::function<void()> cb);
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

 private:
  struct Handle;
  Handle* handle_;
};

// Runs `work` on libuv's thread pool, then `done` back on the loop.
int submit_work(EventLoop& loop, std::function<void()> work, std::function<void(bool cancelled)> done);

}  // namespace wgmesh
