#include "plugin/pending_calls.h"

#include <dlfcn.h>

#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "plugin/connection.h"

namespace wgmesh::rpc {
namespace {

struct Registry {
  uint64_t next = 1;  // never 0, so `user` is never NULL
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> calls;
};

// Function-local so it exists before the first use and lives as long as the library.
Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void* PendingCalls::add(std::weak_ptr<Connection> conn) {
  Registry& r = registry();
  uint64_t id = r.next++;
  r.calls.emplace(id, std::move(conn));
  return reinterpret_cast<void*>(static_cast<uintptr_t>(id));
}

std::weak_ptr<Connection> PendingCalls::take(void* user) {
  Registry& r = registry();
  auto it = r.calls.find(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(user)));
  if (it == r.calls.end()) return {};
  std::weak_ptr<Connection> conn = std::move(it->second);
  r.calls.erase(it);
  return conn;
}

size_t PendingCalls::size() { return registry().calls.size(); }

void on_dispatch_done(void* user, int is_error, const char* json, size_t len) noexcept {
  try {
    std::shared_ptr<Connection> conn = PendingCalls::take(user).lock();
    if (conn)
      conn->on_reply(is_error != 0, json ? std::string_view(json, len) : std::string_view());
  } catch (...) {
    // Nothing may cross the ABI; the connection's own idle timeout cleans up after it.
  }
}

bool pin_module_while_calls_pending() {
  if (PendingCalls::size() == 0) return false;
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&on_dispatch_done), &info) == 0 || !info.dli_fname)
    return false;
  // The handle is deliberately never closed: NODELETE keeps the code mapped for good.
  return ::dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) != nullptr;
}

}  // namespace wgmesh::rpc
