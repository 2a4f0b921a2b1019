#include "runtime/event_loop.h"

#include <stdexcept>
#include <string>

namespace wgmesh {

EventLoop::EventLoop() : loop_(std::make_unique<uv_loop_t>()) {
  int rc = uv_loop_init(loop_.get());
  if (rc != 0) throw std::runtime_error(std::string("uv_loop_init: ") + uv_strerror(rc));
}

EventLoop::~EventLoop() {
  run_posted();
  // Give pending close callbacks a chance to run, then close the loop.
  uv_run(loop_.get(), UV_RUN_NOWAIT);
  uv_walk(
      loop_.get(),
      [](uv_handle_t* h, void*) {
        if (!uv_is_closing(h)) uv_close(h, nullptr);
      },
      nullptr);
  uv_run(loop_.get(), UV_RUN_DEFAULT);
  uv_loop_close(loop_.get());
}

void EventLoop::run() { uv_run(loop_.get(), UV_RUN_DEFAULT); }

void EventLoop::post(std::function<void()> fn) {
  posted_.push_back(std::move(fn));
  if (!idle_) {
    // An idle handle runs once per loop iteration, after the current callback chain has
    // unwound, and while active it keeps the loop from blocking in poll. It is only active
    // while work is queued.
    idle_ = std::make_unique<uv_idle_t>();
    uv_idle_init(loop_.get(), idle_.get());
    idle_->data = this;
  }
  uv_idle_start(idle_.get(), [](uv_idle_t* h) { static_cast<EventLoop*>(h->data)->run_posted(); });
}

void EventLoop::run_posted() {
  if (idle_) uv_idle_stop(idle_.get());
  std::vector<std::function<void()>> batch;
  batch.swap(posted_);
  for (auto& fn : batch) fn();
}
void EventLoop::stop() { uv_stop(loop_.get()); }

bool EventLoop::run_until(const std::function<bool()>& done, uint64_t timeout_ms) {
  uint64_t deadline = uv_now(loop_.get()) + timeout_ms;
  Timer tick(*this);
  tick.start(5, 5, [] {});  // keeps the loop waking up so `done` is re-checked
  while (!done()) {
    uv_update_time(loop_.get());
    if (uv_now(loop_.get()) >= deadline) return false;
    uv_run(loop_.get(), UV_RUN_ONCE);
  }
  return true;
}

// ---- Timer -----------------------------------------------------------------------------
struct Timer::Handle {
  uv_timer_t timer;
  std::function<void()> cb;
};

Timer::Timer(EventLoop& loop) : handle_(std::make_unique<Handle>().release()) {  // freed in the close callback
  uv_timer_init(loop.raw(), &handle_->timer);
  handle_->timer.data = handle_;
}

Timer::~Timer() {
  uv_timer_stop(&handle_->timer);
  uv_close(reinterpret_cast<uv_handle_t*>(&handle_->timer), [](uv_handle_t* h) {
    std::unique_ptr<Handle> owned(static_cast<Handle*>(h->data));
  });
}

void Timer::start(uint64_t first_ms, uint64_t repeat_ms, std::function<void()> cb) {
  handle_->cb = std::move(cb);
  uv_timer_start(
      &handle_->timer,
      [](uv_timer_t* t) {
        auto* h = static_cast<Handle*>(t->data);
        // Copy first: the callback may restart or destroy this timer.
        auto cb = h->cb;
        if (cb) cb();
      },
      first_ms, repeat_ms);
}

void Timer::stop() { uv_timer_stop(&handle_->timer); }
bool Timer::active() const {
  return uv_is_active(reinterpret_cast<const uv_handle_t*>(&handle_->timer)) != 0;
}

// ---- FdWatch ---------------------------------------------------------------------------
struct FdWatch::Handle {
  uv_poll_t poll;
  std::function<void(int, int)> cb;
};

FdWatch::FdWatch(EventLoop& loop, int fd) : handle_(std::make_unique<Handle>().release()) {  // freed in the close callback
  init_status_ = uv_poll_init(loop.raw(), &handle_->poll, fd);
  handle_->poll.data = handle_;
}

FdWatch::~FdWatch() {
  if (init_status_ != 0) {  // never initialised: nothing to close
    std::unique_ptr<Handle> owned(handle_);
    return;
  }
  uv_poll_stop(&handle_->poll);
  uv_close(reinterpret_cast<uv_handle_t*>(&handle_->poll), [](uv_handle_t* h) {
    std::unique_ptr<Handle> owned(static_cast<Handle*>(h->data));
  });
}

int FdWatch::start(int events, std::function<void(int, int)> cb) {
  if (init_status_ != 0) return init_status_;
  handle_->cb = std::move(cb);
  return uv_poll_start(&handle_->poll, events, [](uv_poll_t* p, int status, int ev) {
    auto* h = static_cast<Handle*>(p->data);
    auto cb = h->cb;
    if (cb) cb(status, ev);
  });
}

void FdWatch::stop() {
  if (init_status_ == 0) uv_poll_stop(&handle_->poll);
}

// ---- SignalWatch -----------------------------------------------------------------------
struct SignalWatch::Handle {
  uv_signal_t signal;
  std::function<void()> cb;
};

SignalWatch::SignalWatch(EventLoop& loop, int signum, std::function<void()> cb)
    : handle_(std::make_unique<Handle>().release()) {  // freed in the close callback
  handle_->cb = std::move(cb);
  uv_signal_init(loop.raw(), &handle_->signal);
  handle_->signal.data = handle_;
  uv_signal_start(
      &handle_->signal,
      [](uv_signal_t* s, int) {
        auto* h = static_cast<Handle*>(s->data);
        if (h->cb) h->cb();
      },
      signum);
}

SignalWatch::~SignalWatch() {
  uv_signal_stop(&handle_->signal);
  uv_close(reinterpret_cast<uv_handle_t*>(&handle_->signal), [](uv_handle_t* h) {
    std::unique_ptr<Handle> owned(static_cast<Handle*>(h->data));
  });
}

// ---- work queue --------------------------------------------------------------------------
namespace {
struct WorkItem {
  uv_work_t req;
  std::function<void()> work;
  std::function<void(bool)> done;
};
}  // namespace

int submit_work(EventLoop& loop, std::function<void()> work, std::function<void(bool)> done) {
  auto item = std::make_unique<WorkItem>();
  item->work = std::move(work);
  item->done = std::move(done);
  item->req.data = item.get();
  int rc = uv_queue_work(
      loop.raw(), &item->req,
      [](uv_work_t* r) { static_cast<WorkItem*>(r->data)->work(); },
      [](uv_work_t* r, int status) {
        std::unique_ptr<WorkItem> owned(static_cast<WorkItem*>(r->data));
        if (owned->done) owned->done(status == UV_ECANCELED);
      });
  if (rc == 0) item.release();  // now owned by libuv until the after-work callback
  return rc;
}

}  // namespace wgmesh
