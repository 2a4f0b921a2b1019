// The key schedule (crypto.md §3): every value a node derives from the mesh secret, plus the
// hourly DHT infohash (§4.1). All values are bit-exact with the Go implementation; any
// difference splits the mesh.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "keys/secure_bytes.h"

namespace wgmesh::keys {

inline constexpr uint16_t kGossipPortBase = 51821;
inline constexpr uint16_t kGossipPortRange = 1000;
inline constexpr uint16_t kHealthProbePortOffset = 2000;
inline constexpr uint16_t kLanMulticastPort = 51830;

// HKDF info labels (§3.2).
namespace hkdf_info {
inline constexpr std::string_view kGossipKey = "wgmesh-gossip-v1";
inline constexpr std::string_view kMeshSubnet = "wgmesh-subnet-v1";
inline constexpr std::string_view kMeshPrefixV6 = "wgmesh-ipv6-prefix-v1";
inline constexpr std::string_view kMulticastId = "wgmesh-mcast-v1";
inline constexpr std::string_view kPsk = "wgmesh-wg-psk-v1";
inline constexpr std::string_view kGossipPort = "wgmesh-gossip-port-v1";
inline constexpr std::string_view kMembershipKey = "wgmesh-membership-v1";
inline constexpr std::string_view kEpochSeed = "wgmesh-epoch-v1";
}  // namespace hkdf_info

inline constexpr std::string_view kRendezvousSuffix = "rv";

struct DerivedKeys {
  std::array<uint8_t, 20> network_id{};     // SHA-256(secret)[0..20)
  Key32 gossip_key;                         // envelope AES-256-GCM key
  std::array<uint8_t, 2> mesh_subnet{};     // [0] = second octet of 10.x.0.0/16
  std::array<uint8_t, 8> mesh_prefix_v6{};  // fd + 7 HKDF bytes: ULA /64
  std::array<uint8_t, 4> multicast_id{};    // 239.192.<0>.<1>
  Key32 psk;                                // WireGuard preshared key
  uint16_t gossip_port = 0;                 // 51821 + BE16(HKDF) mod 1000
  std::array<uint8_t, 8> rendezvous_id{};   // SHA-256(secret || "rv")[0..8)
  Key32 membership_key;                     // membership tokens, rotation signatures
  Key32 epoch_seed;                         // local relay selection seed
};

// Derives all ten values. Fails with "secret must be at least 16 characters" for short
// secrets (the only validation, §2.1).
Result<DerivedKeys> derive_keys(std::string_view secret);

// Presentation helpers (the `status` output and registry, §2.5, §3.2).
std::string network_id_short_hex(const DerivedKeys& keys);   // 16 hex digits
std::string mesh_id(const DerivedKeys& keys);                // 12 hex digits (later upstream)
std::string mesh_subnet_cidr(const DerivedKeys& keys);       // "10.<b0>.0.0/16"
std::string mesh_prefix_v6_status(const DerivedKeys& keys);  // "fd0a:0b0c:0d0e:0f10::/64"
std::string lan_multicast_address(const DerivedKeys& keys);  // "239.192.<b0>.<b1>"
std::string lan_multicast_group(const DerivedKeys& keys);    // "239.192.<b0>.<b1>:51830"
SecureBytes psk_base64(const DerivedKeys& keys);             // standard base64, no newline
uint16_t health_probe_port(const DerivedKeys& keys);         // gossip_port + 2000
std::string rendezvous_id_hex(const DerivedKeys& keys);      // 16 hex digits
std::string registry_search_term(const DerivedKeys& keys);   // "wgmesh-<rendezvous hex>"

// §4.1: hour = unix_seconds / 3600 (truncating toward zero).
int64_t hour_epoch(int64_t unix_seconds);

// First 20 bytes of SHA-256(secret || "||" || decimal(hour)).
std::array<uint8_t, 20> hourly_infohash(std::string_view secret, int64_t unix_seconds);

struct HourlyInfohashes {
  std::array<uint8_t, 20> current;
  std::array<uint8_t, 20> previous;  // for unix_seconds - 3600; equal to current near 1970
};
HourlyInfohashes hourly_infohashes(std::string_view secret, int64_t unix_seconds);

}  // namespace wgmesh::keys
