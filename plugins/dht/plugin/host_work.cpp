#include "plugin/host_work.h"

#include <dlfcn.h>

#include <cstdint>
#include <memory>

#include "plugin/tickets.h"

namespace wgmesh::dht::plugin {

namespace {

struct Job {
  uint64_t ticket;
  std::function<void()> work;
  std::function<void()> done;
};

// The host unloads plugins without waiting for their jobs, so a worker could still be
// inside getaddrinfo() called from this library's code when dlclose() unmaps it. Marking
// the library RTLD_NODELETE before the first job keeps its code mapped for the life of the
// process (a few hundred KB, only once a plugin has used the work queue).
void pin_library() {
  static bool pinned = false;
  if (pinned) return;
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&pin_library), &info) && info.dli_fname)
    pinned = ::dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) != nullptr;
}

void run(void* user) {
  try {  // worker thread: nothing may escape, and nothing can be logged from here
    static_cast<Job*>(user)->work();
  } catch (...) {
  }
}

void finish(void* user, int cancelled) {
  std::unique_ptr<Job> job(static_cast<Job*>(user));
  if (Tickets::redeem(job->ticket) == nullptr || cancelled) return;
  try {
    job->done();
  } catch (...) {
  }
}

}  // namespace

int submit_work(const wgm_host_api* host, wgm_ctx* ctx, void* owner, std::function<void()> work,
                std::function<void()> done) {
  pin_library();
  auto job = std::make_unique<Job>(Job{Tickets::issue(owner), std::move(work), std::move(done)});
  const uint64_t ticket = job->ticket;
  int rc = host->work_submit(ctx, &run, &finish, job.get());
  if (rc != WGM_OK) {
    Tickets::redeem(ticket);
    return rc;
  }
  job.release();  // owned by the host until finish()
  return WGM_OK;
}

}  // namespace wgmesh::dht::plugin
