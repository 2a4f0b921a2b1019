#include "wireguard/secure_wipe.h"

#include <sodium.h>

namespace wgmesh::wg {

void wipe(void* data, std::size_t size) {
  if (data != nullptr && size > 0) sodium_memzero(data, size);
}

void wipe(std::string& s) {
  s.resize(s.capacity());
  wipe(s.data(), s.size());
  s.clear();
}

}  // namespace wgmesh::wg
