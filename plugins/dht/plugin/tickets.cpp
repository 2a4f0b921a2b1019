#include "plugin/tickets.h"

#include <cstddef>
#include <unordered_map>

namespace wgmesh::dht::plugin {

namespace {
struct Registry {
  uint64_t next = 1;  // 0 is never issued: a null user pointer is never a ticket
  std::unordered_map<uint64_t, void*> owners;
};
Registry& registry() {
  static Registry r;
  return r;
}
}  // namespace

uint64_t Tickets::issue(void* owner) {
  Registry& r = registry();
  const uint64_t t = r.next++;
  r.owners.emplace(t, owner);
  return t;
}

void* Tickets::redeem(uint64_t ticket) {
  Registry& r = registry();
  auto it = r.owners.find(ticket);
  if (it == r.owners.end()) return nullptr;
  void* owner = it->second;
  r.owners.erase(it);
  return owner;
}

void Tickets::revoke_all(void* owner) {
  std::erase_if(registry().owners, [owner](const auto& e) { return e.second == owner; });
}

size_t Tickets::outstanding(void* owner) {
  size_t n = 0;
  for (const auto& [t, o] : registry().owners)
    if (o == owner) ++n;
  return n;
}

}  // namespace wgmesh::dht::plugin
