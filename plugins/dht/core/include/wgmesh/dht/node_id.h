// 160-bit node IDs / infohashes, the XOR metric, and the BEP 42 ID-to-IP binding check.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "wgmesh/dht/endpoint.h"

namespace wgmesh::dht {

class Random;

struct NodeId {
  static constexpr size_t kSize = 20;
  static constexpr int kBits = 160;
  std::array<uint8_t, kSize> bytes{};

  static std::optional<NodeId> from_bytes(std::span<const uint8_t> b);
  static std::optional<NodeId> from_string(std::string_view raw);  // 20 raw bytes
  static std::optional<NodeId> from_hex(std::string_view hex);
  static NodeId random(Random& rng);

  std::string hex() const;
  std::string raw() const { return {reinterpret_cast<const char*>(bytes.data()), kSize}; }
  bool is_zero() const;
  bool bit(int i) const { return (bytes[static_cast<size_t>(i / 8)] >> (7 - i % 8)) & 1; }

  auto operator<=>(const NodeId&) const = default;
  bool operator==(const NodeId&) const = default;
};

// Infohashes live in the same keyspace.
using InfoHash = NodeId;

struct NodeIdHash {
  size_t operator()(const NodeId& id) const noexcept;
};

NodeId operator^(const NodeId& a, const NodeId& b);

// Number of leading bits a and b share (0..160). Kademlia's bucket index is derived from it.
int common_prefix_bits(const NodeId& a, const NodeId& b);

// True when a is strictly closer to target than b in the XOR metric.
bool closer_to(const NodeId& target, const NodeId& a, const NodeId& b);

// A random ID that shares exactly `prefix_bits` leading bits with `base` (the bit after
// the prefix is flipped), i.e. a random point inside the bucket at that depth.
// prefix_bits == 160 returns base itself.
NodeId random_id_in_bucket(const NodeId& base, int prefix_bits, Random& rng);

// CRC32-C (Castagnoli), as BEP 42 uses it.
uint32_t crc32c(std::span<const uint8_t> data);

// BEP 42: the first 21 bits of a node's ID must be derived from its IP and the ID's last
// byte. Addresses for which Endpoint::is_local() is true are exempt (always valid).
bool bep42_id_valid(const NodeId& id, const Endpoint& ep);
// A BEP 42-secure ID for `ep` with seed byte r (tests and self-ID generation).
NodeId bep42_make_id(const Endpoint& ep, uint8_t r, Random& rng);

}  // namespace wgmesh::dht
