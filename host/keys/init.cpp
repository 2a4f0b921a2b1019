#include "keys/init.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace wgmesh::keys {

namespace {
// sodium_init() is itself idempotent and thread-safe; caching the result in a function-local
// static only avoids its internal locking on every call.
int sodium_status() {
  static const int status = sodium_init();
  return status;
}
}  // namespace

Status init() {
  if (sodium_status() < 0) return Error{"libsodium initialisation failed"};
  return Status::Ok();
}

void init_or_die() {
  if (sodium_status() < 0) {
    std::fputs("wgmesh: libsodium initialisation failed, refusing to continue\n", stderr);
    std::abort();
  }
}

}  // namespace wgmesh::keys
