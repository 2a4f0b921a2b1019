// The bounded LRU map under both per-source tables of the plugin (rate limiter, peer
// tracker): both are keyed by attacker-controlled strings, so they must never grow without
// bound. The map itself is shared with the host (header-only, nothing of the host linked).
#pragma once

#include <string>

#include "host/common/lru_map.h"

namespace wgmesh::lan {

template <typename Value>
using LruMap = wgmesh::LruMap<std::string, Value>;

}  // namespace wgmesh::lan
