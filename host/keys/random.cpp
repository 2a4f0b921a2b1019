#include "keys/random.h"

#include <sodium.h>

#include <memory>
#include <utility>

#include "keys/init.h"

namespace wgmesh::keys {

void system_random(std::span<uint8_t> out) {
  init_or_die();
  if (!out.empty()) randombytes_buf(out.data(), out.size());
}

RandomSource replay_random(Bytes bytes) {
  auto state = std::make_shared<std::pair<Bytes, size_t>>(std::move(bytes), 0);
  return [state](std::span<uint8_t> out) {
    auto& [source, pos] = *state;
    for (auto& b : out) {
      b = source.empty() ? 0 : source[pos++ % source.size()];
    }
  };
}

}  // namespace wgmesh::keys
