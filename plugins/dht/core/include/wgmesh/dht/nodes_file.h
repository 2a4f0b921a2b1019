// The DHT nodes file (spec §3.5), byte-compatible with the Go wgmesh so a C++ node that
// replaces a Go node keeps its warm start.
//
// Name:   <iface>-<hex(network_id[0:8])>-dht.nodes (16 lowercase hex digits), in the
//         state directory the host provides.
// Format: no header; a sequence of 38-byte records: 20-byte node ID, 16-byte IP (IPv4 as
//         ::ffff:a.b.c.d), 2-byte big-endian port.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/common/result.h"
#include "wgmesh/dht/krpc.h"

namespace wgmesh::dht {

inline constexpr size_t kNodesFileRecord = 38;
inline constexpr size_t kNodesFileMaxBytes = 1 << 20;  // far above any real table

std::string nodes_file_name(std::string_view iface, std::span<const uint8_t> network_id);

std::string serialize_nodes(std::span<const NodeInfo> nodes);
// A length that is not a multiple of 38, or a record with port 0 / an unspecified address,
// makes the whole file corrupt: it is reported, never silently half-used.
Result<std::vector<NodeInfo>> parse_nodes(std::span<const uint8_t> bytes);

// A missing file is not an error (first start): it yields an empty list.
Result<std::vector<NodeInfo>> load_nodes_file(const std::filesystem::path& path);

// Atomic replace: write a temp file (mode 0600) next to `path`, fsync, rename over it,
// fsync the directory. A crash leaves either the old or the new file, never a torn one.
// The parent directory is created with mode 0700 when missing. Saving an empty list is
// a no-op that keeps the previous file (spec §3.5: skipped when no non-bad node).
Status save_nodes_file(const std::filesystem::path& path, std::span<const NodeInfo> nodes);

}  // namespace wgmesh::dht
