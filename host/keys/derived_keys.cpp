#include "keys/derived_keys.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "keys/encoding.h"
#include "keys/primitives.h"
#include "keys/secret.h"

namespace wgmesh::keys {

namespace {

template <size_t N>
Status hkdf_into(std::string_view secret, std::string_view info, std::span<uint8_t, N> out) {
  return hkdf_sha256(as_bytes(secret), info, out);
}

}  // namespace

Result<DerivedKeys> derive_keys(std::string_view secret) {
  if (Status st = validate_secret(secret); !st.ok()) return st.error();
  DerivedKeys keys;

  const Sha256Digest id = sha256(as_bytes(secret));
  std::copy_n(id.begin(), keys.network_id.size(), keys.network_id.begin());

  std::array<uint8_t, 7> prefix_tail{};
  std::array<uint8_t, 2> port_bytes{};
  for (const Status& st : {
           hkdf_into(secret, hkdf_info::kGossipKey, keys.gossip_key.writable()),
           hkdf_into(secret, hkdf_info::kMeshSubnet, std::span(keys.mesh_subnet)),
           hkdf_into(secret, hkdf_info::kMeshPrefixV6, std::span(prefix_tail)),
           hkdf_into(secret, hkdf_info::kMulticastId, std::span(keys.multicast_id)),
           hkdf_into(secret, hkdf_info::kPsk, keys.psk.writable()),
           hkdf_into(secret, hkdf_info::kGossipPort, std::span(port_bytes)),
           hkdf_into(secret, hkdf_info::kMembershipKey, keys.membership_key.writable()),
           hkdf_into(secret, hkdf_info::kEpochSeed, keys.epoch_seed.writable()),
       }) {
    if (!st.ok()) return st.error();
  }
  keys.mesh_prefix_v6[0] = 0xFD;  // ULA, locally assigned
  std::copy(prefix_tail.begin(), prefix_tail.end(), keys.mesh_prefix_v6.begin() + 1);
  const auto port_hash = static_cast<uint16_t>((port_bytes[0] << 8) | port_bytes[1]);
  keys.gossip_port = static_cast<uint16_t>(kGossipPortBase + port_hash % kGossipPortRange);

  const Sha256Digest rv = sha256({as_bytes(secret), as_bytes(kRendezvousSuffix)});
  std::copy_n(rv.begin(), keys.rendezvous_id.size(), keys.rendezvous_id.begin());
  return keys;
}

std::string network_id_short_hex(const DerivedKeys& keys) {
  return hex_encode(ByteView(keys.network_id).first(8));
}

std::string mesh_id(const DerivedKeys& keys) {
  return hex_encode(ByteView(keys.network_id).first(6));
}

std::string mesh_subnet_cidr(const DerivedKeys& keys) {
  return "10." + std::to_string(keys.mesh_subnet[0]) + ".0.0/16";
}

std::string mesh_prefix_v6_status(const DerivedKeys& keys) {
  // Unlike addresses, the status line pads every group to four digits and does not compress.
  const auto& p = keys.mesh_prefix_v6;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", p[0], p[1], p[2],
                p[3], p[4], p[5], p[6], p[7]);
  return buf;
}

std::string lan_multicast_address(const DerivedKeys& keys) {
  return "239.192." + std::to_string(keys.multicast_id[0]) + "." +
         std::to_string(keys.multicast_id[1]);
}

std::string lan_multicast_group(const DerivedKeys& keys) {
  return lan_multicast_address(keys) + ":" + std::to_string(kLanMulticastPort);
}

SecureBytes psk_base64(const DerivedKeys& keys) {
  std::string text = base64_encode(keys.psk.view());
  SecureBytes out = SecureBytes::from_text(text);
  secure_wipe({reinterpret_cast<uint8_t*>(text.data()), text.size()});
  return out;
}

uint16_t health_probe_port(const DerivedKeys& keys) {
  return static_cast<uint16_t>(keys.gossip_port + kHealthProbePortOffset);
}

std::string rendezvous_id_hex(const DerivedKeys& keys) { return hex_encode(keys.rendezvous_id); }

std::string registry_search_term(const DerivedKeys& keys) {
  return "wgmesh-" + rendezvous_id_hex(keys);
}

int64_t hour_epoch(int64_t unix_seconds) { return unix_seconds / 3600; }

std::array<uint8_t, 20> hourly_infohash(std::string_view secret, int64_t unix_seconds) {
  const std::string hour = std::to_string(hour_epoch(unix_seconds));
  const Sha256Digest digest = sha256({as_bytes(secret), as_bytes("||"), as_bytes(hour)});
  std::array<uint8_t, 20> out;
  std::copy_n(digest.begin(), out.size(), out.begin());
  return out;
}

HourlyInfohashes hourly_infohashes(std::string_view secret, int64_t unix_seconds) {
  int64_t previous = 0;
  if (__builtin_sub_overflow(unix_seconds, 3600, &previous)) previous = INT64_MIN;
  return {hourly_infohash(secret, unix_seconds), hourly_infohash(secret, previous)};
}

}  // namespace wgmesh::keys
