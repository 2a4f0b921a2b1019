#include "wgmesh/dht/node_id.h"

#include <bit>
#include <cstring>

#include "wgmesh/dht/env.h"

namespace wgmesh::dht {

std::optional<NodeId> NodeId::from_bytes(std::span<const uint8_t> b) {
  if (b.size() != kSize) return std::nullopt;
  NodeId id;
  std::memcpy(id.bytes.data(), b.data(), kSize);
  return id;
}

std::optional<NodeId> NodeId::from_string(std::string_view raw) {
  return from_bytes({reinterpret_cast<const uint8_t*>(raw.data()), raw.size()});
}

std::optional<NodeId> NodeId::from_hex(std::string_view hex) {
  if (hex.size() != 2 * kSize) return std::nullopt;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  NodeId id;
  for (size_t i = 0; i < kSize; ++i) {
    int hi = nib(hex[2 * i]), lo = nib(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    id.bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return id;
}

NodeId NodeId::random(Random& rng) {
  NodeId id;
  rng.fill(id.bytes);
  return id;
}

std::string NodeId::hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * kSize);
  for (uint8_t b : bytes) {
    s.push_back(kDigits[b >> 4]);
    s.push_back(kDigits[b & 15]);
  }
  return s;
}

bool NodeId::is_zero() const {
  for (uint8_t b : bytes)
    if (b) return false;
  return true;
}

size_t NodeIdHash::operator()(const NodeId& id) const noexcept {
  // IDs are uniformly random (or hashes): any 8 bytes are a fine hash.
  uint64_t v;
  std::memcpy(&v, id.bytes.data(), sizeof v);
  return static_cast<size_t>(v);
}

NodeId operator^(const NodeId& a, const NodeId& b) {
  NodeId r;
  for (size_t i = 0; i < NodeId::kSize; ++i) r.bytes[i] = a.bytes[i] ^ b.bytes[i];
  return r;
}

int common_prefix_bits(const NodeId& a, const NodeId& b) {
  for (size_t i = 0; i < NodeId::kSize; ++i) {
    uint8_t x = a.bytes[i] ^ b.bytes[i];
    if (x) return static_cast<int>(i * 8) + std::countl_zero(x);
  }
  return NodeId::kBits;
}

bool closer_to(const NodeId& target, const NodeId& a, const NodeId& b) {
  for (size_t i = 0; i < NodeId::kSize; ++i) {
    uint8_t da = a.bytes[i] ^ target.bytes[i], db = b.bytes[i] ^ target.bytes[i];
    if (da != db) return da < db;
  }
  return false;
}

NodeId random_id_in_bucket(const NodeId& base, int prefix_bits, Random& rng) {
  if (prefix_bits >= NodeId::kBits) return base;
  if (prefix_bits < 0) prefix_bits = 0;
  NodeId id = NodeId::random(rng);
  for (int i = 0; i <= prefix_bits; ++i) {
    auto byte = static_cast<size_t>(i / 8);
    uint8_t mask = static_cast<uint8_t>(0x80 >> (i % 8));
    bool want = base.bit(i) ^ (i == prefix_bits);  // differ exactly at bit prefix_bits
    id.bytes[byte] =
        static_cast<uint8_t>(want ? (id.bytes[byte] | mask) : (id.bytes[byte] & ~mask));
  }
  return id;
}

uint32_t crc32c(std::span<const uint8_t> data) {
  uint32_t crc = 0xffffffffu;
  for (uint8_t b : data) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
  }
  return ~crc;
}

namespace {

// The 21-bit prefix BEP 42 derives from (masked ip | r << 5 in the first octet).
uint32_t bep42_prefix_crc(const Endpoint& ep, uint8_t r) {
  static constexpr uint8_t kV4Mask[4] = {0x03, 0x0f, 0x3f, 0xff};
  static constexpr uint8_t kV6Mask[8] = {0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, 0xff};
  const size_t n = ep.is_v4() ? 4 : 8;
  const uint8_t* mask = ep.is_v4() ? kV4Mask : kV6Mask;
  uint8_t ip[8] = {};
  for (size_t i = 0; i < n; ++i) ip[i] = ep.addr[i] & mask[i];
  ip[0] |= static_cast<uint8_t>((r & 7) << 5);
  return crc32c({ip, n});
}

}  // namespace

bool bep42_id_valid(const NodeId& id, const Endpoint& ep) {
  if (ep.is_local()) return true;
  uint32_t crc = bep42_prefix_crc(ep, id.bytes[19]);
  return id.bytes[0] == ((crc >> 24) & 0xff) && id.bytes[1] == ((crc >> 16) & 0xff) &&
         (id.bytes[2] & 0xf8) == ((crc >> 8) & 0xf8);
}

NodeId bep42_make_id(const Endpoint& ep, uint8_t r, Random& rng) {
  NodeId id = NodeId::random(rng);
  uint32_t crc = bep42_prefix_crc(ep, r);
  id.bytes[0] = static_cast<uint8_t>(crc >> 24);
  id.bytes[1] = static_cast<uint8_t>(crc >> 16);
  id.bytes[2] = static_cast<uint8_t>(((crc >> 8) & 0xf8) | (id.bytes[2] & 7));
  id.bytes[19] = r;
  return id;
}

}  // namespace wgmesh::dht
