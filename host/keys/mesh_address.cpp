#include "keys/mesh_address.h"

#include <algorithm>

#include "keys/primitives.h"

namespace wgmesh::keys {

namespace {

std::string dotted(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) + "." +
         std::to_string(d);
}

// SHA-256 of `len(pubkey):pubkey|len(secret):secret|nonce=n` (§5.4), hashed in parts so
// the secret is not copied into a temporary string.
Sha256Digest nonce_hash(std::string_view pubkey, std::string_view secret, int64_t nonce) {
  const std::string pubkey_len = std::to_string(pubkey.size()) + ":";
  const std::string secret_len = "|" + std::to_string(secret.size()) + ":";
  const std::string suffix = "|nonce=" + std::to_string(nonce);
  return sha256({as_bytes(pubkey_len), as_bytes(pubkey), as_bytes(secret_len), as_bytes(secret),
                 as_bytes(suffix)});
}

// validateIPv4Subnet: returns the number of host bits.
Result<int> subnet_host_bits(const GoIpNet& subnet) {
  const auto [ones, bits] = subnet.mask_size();
  if (bits != 32) {
    return Error{"only IPv4 subnets are supported for mesh IP derivation (got " +
                 std::to_string(bits) + "-bit)"};
  }
  const int host_bits = bits - ones;
  if (host_bits < 2) {
    return Error{"subnet /" + std::to_string(ones) +
                 " too small: need at least 2 host bits (/30 max)"};
  }
  return host_bits;
}

Result<std::string> address_in_subnet(const GoIpNet& subnet, const Sha256Digest& h) {
  auto host_bits = subnet_host_bits(subnet);
  if (!host_bits.ok()) return host_bits.error();
  const uint64_t max_hosts = (uint64_t{1} << *host_bits) - 2;
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) value = (value << 8) | h[i];
  const uint64_t host = value % max_hosts + 1;  // skip the network address
  // Big-endian addition of the host number to the network address, as Go's addHostNum.
  Bytes ip = subnet.ip;
  uint64_t remaining = host;
  for (size_t i = ip.size(); i-- > 0 && remaining > 0;) {
    const uint64_t sum = ip[i] + (remaining & 0xFF);
    ip[i] = static_cast<uint8_t>(sum);
    remaining = (remaining >> 8) + (sum >> 8);
  }
  return go_ip_string(ip);
}

}  // namespace

std::string mesh_ipv4(std::span<const uint8_t, 2> mesh_subnet, std::string_view pubkey,
                      std::string_view secret) {
  const Sha256Digest h = sha256({as_bytes(pubkey), as_bytes(secret)});
  uint8_t fourth = h[1];
  if (fourth == 0) fourth = 1;
  if (fourth == 255) fourth = 254;
  return dotted(10, mesh_subnet[0], h[0] ^ mesh_subnet[1], fourth);
}

std::string mesh_ipv6(std::span<const uint8_t, 8> mesh_prefix_v6, std::string_view pubkey,
                      std::string_view secret) {
  const Sha256Digest h =
      sha256({as_bytes(pubkey), as_bytes("|"), as_bytes(secret), as_bytes("|ipv6")});
  Bytes ip(mesh_prefix_v6.begin(), mesh_prefix_v6.end());
  ip.insert(ip.end(), h.begin(), h.begin() + 8);
  // Locally administered unicast interface ID (the all-zero case cannot occur after OR 0x02).
  ip[8] = static_cast<uint8_t>((ip[8] | 0x02) & 0xFE);
  return go_ip_string(ip);
}

std::string mesh_ipv4_with_nonce(std::span<const uint8_t, 2> mesh_subnet, std::string_view pubkey,
                                 std::string_view secret, int64_t nonce) {
  const Sha256Digest h = nonce_hash(pubkey, secret, nonce);
  uint16_t suffix = static_cast<uint16_t>((h[0] << 8) | h[1]);
  if (suffix == 0) suffix = 1;
  if (suffix == 65535) suffix = 65534;
  return dotted(10, mesh_subnet[0], static_cast<uint8_t>(suffix >> 8),
                static_cast<uint8_t>(suffix & 0xFF));
}

Result<std::optional<GoIpNet>> parse_mesh_subnet(std::string_view cidr) {
  if (cidr.empty()) return std::optional<GoIpNet>{};
  auto net = go_parse_cidr(cidr);
  if (!net.ok()) {
    return Error{"invalid subnet CIDR \"" + std::string(cidr) + "\": " + net.message()};
  }
  return std::optional<GoIpNet>(std::move(*net));
}

Result<std::string> mesh_ipv4_in_subnet(const GoIpNet& subnet, std::string_view pubkey,
                                        std::string_view secret) {
  return address_in_subnet(subnet, sha256({as_bytes(pubkey), as_bytes(secret)}));
}

Result<std::string> mesh_ipv4_in_subnet_with_nonce(const GoIpNet& subnet, std::string_view pubkey,
                                                   std::string_view secret, int64_t nonce) {
  return address_in_subnet(subnet, nonce_hash(pubkey, secret, nonce));
}

int mesh_ipv4_prefix_length(const std::optional<GoIpNet>& custom_subnet) {
  if (!custom_subnet) return 16;
  return custom_subnet->mask_size().first;
}

bool mesh_ip_in_subnet(std::string_view ip, std::span<const uint8_t, 2> mesh_subnet,
                       const std::optional<GoIpNet>& custom_subnet) {
  const auto parsed = go_parse_ip(ip);
  if (!parsed) return false;
  const GoIpNet net =
      custom_subnet ? *custom_subnet : GoIpNet{{10, mesh_subnet[0], 0, 0}, {0xFF, 0xFF, 0, 0}};
  // IPNet.Contains: compare in the network's family (IPv4-mapped counts as IPv4).
  ByteView addr = *parsed;
  if (net.ip.size() == 4) {
    static constexpr uint8_t kV4Prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (!std::equal(std::begin(kV4Prefix), std::end(kV4Prefix), addr.begin())) return false;
    addr = addr.subspan(12);
  }
  if (addr.size() != net.ip.size() || net.mask.size() != net.ip.size()) return false;
  for (size_t i = 0; i < addr.size(); ++i) {
    if ((addr[i] & net.mask[i]) != (net.ip[i] & net.mask[i])) return false;
  }
  return true;
}

std::string_view collision_loser(std::string_view pubkey_a, std::string_view pubkey_b) {
  return pubkey_a.compare(pubkey_b) < 0 ? pubkey_b : pubkey_a;
}

std::string mesh_ipv4_avoiding(std::span<const uint8_t, 2> mesh_subnet, std::string_view pubkey,
                               std::string_view secret,
                               const std::map<std::string, std::string, std::less<>>& taken) {
  std::string ip = mesh_ipv4(mesh_subnet, pubkey, secret);
  for (int nonce = 1; nonce <= kMaxCollisionNonce; ++nonce) {
    const auto it = taken.find(ip);
    if (it == taken.end() || it->second == pubkey) return ip;
    ip = mesh_ipv4_with_nonce(mesh_subnet, pubkey, secret, nonce);
  }
  return ip;
}

bool is_plausible_mesh_ipv4(const DerivedKeys& keys, std::string_view secret,
                            std::string_view pubkey, std::string_view ip,
                            const std::optional<GoIpNet>& custom_subnet) {
  if (custom_subnet) {
    for (int nonce = 0; nonce <= kMaxCollisionNonce; ++nonce) {
      auto candidate = nonce == 0
                           ? mesh_ipv4_in_subnet(*custom_subnet, pubkey, secret)
                           : mesh_ipv4_in_subnet_with_nonce(*custom_subnet, pubkey, secret, nonce);
      if (!candidate.ok()) return false;
      if (*candidate == ip) return true;
    }
    return false;
  }
  if (mesh_ipv4(keys.mesh_subnet, pubkey, secret) == ip) return true;
  for (int nonce = 1; nonce <= kMaxCollisionNonce; ++nonce) {
    if (mesh_ipv4_with_nonce(keys.mesh_subnet, pubkey, secret, nonce) == ip) return true;
  }
  return false;
}

}  // namespace wgmesh::keys
