// Mesh addresses of a node, derived from its WireGuard public key text and the secret
// (crypto.md §5.2-§5.6). "pubkey" is always the 44-character base64 *text* of the key.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "keys/derived_keys.h"
#include "keys/go_net.h"

namespace wgmesh::keys {

// Nonces tried by the collision helper and accepted by the plausibility check (§5.4, §5.6).
inline constexpr int kMaxCollisionNonce = 10;

// §5.2: 10.<subnet[0]>.<h[0] ^ subnet[1]>.<h[1] clamped to 1..254>, h = SHA-256(pubkey||secret).
std::string mesh_ipv4(std::span<const uint8_t, 2> mesh_subnet, std::string_view pubkey,
                      std::string_view secret);

// §5.3: mesh_prefix_v6 || SLAAC-like interface ID, as RFC 5952 text.
std::string mesh_ipv6(std::span<const uint8_t, 8> mesh_prefix_v6, std::string_view pubkey,
                      std::string_view secret);

// §5.4: collision re-derivation. Does not mix in subnet[1] and may end in .0 or .255
// (kept for compatibility with Go).
std::string mesh_ipv4_with_nonce(std::span<const uint8_t, 2> mesh_subnet, std::string_view pubkey,
                                 std::string_view secret, int64_t nonce);

// §5.5 --mesh-subnet: "" means no custom subnet (nullopt); otherwise Go's net.ParseCIDR,
// error `invalid subnet CIDR "<cidr>": invalid CIDR address: <cidr>`. IPv6 and too-small
// networks are accepted here and rejected by the derivation, as in Go.
Result<std::optional<GoIpNet>> parse_mesh_subnet(std::string_view cidr);

// §5.5: base + (BE64(SHA-256(pubkey||secret)[0..8)) mod (2^hostbits - 2)) + 1. Errors:
// "only IPv4 subnets are supported for mesh IP derivation (got 128-bit)",
// "subnet /31 too small: need at least 2 host bits (/30 max)".
Result<std::string> mesh_ipv4_in_subnet(const GoIpNet& subnet, std::string_view pubkey,
                                        std::string_view secret);
Result<std::string> mesh_ipv4_in_subnet_with_nonce(const GoIpNet& subnet, std::string_view pubkey,
                                                   std::string_view secret, int64_t nonce);

// Prefix length of the interface address: the custom CIDR's, otherwise 16.
int mesh_ipv4_prefix_length(const std::optional<GoIpNet>& custom_subnet);

// Whether `ip` lies in the custom subnet, or in 10.<subnet[0]>.0.0/16 without one.
bool mesh_ip_in_subnet(std::string_view ip, std::span<const uint8_t, 2> mesh_subnet,
                       const std::optional<GoIpNet>& custom_subnet);

// Collision resolution: the peer whose key text sorts greater (byte-wise) loses and
// re-derives with nonce 1. Returns the loser's key.
std::string_view collision_loser(std::string_view pubkey_a, std::string_view pubkey_b);

// The Go test helper's search: the plain address if it is free (or owned by `pubkey`),
// else nonce 1..10 in turn; the nonce-10 address is returned unchecked if all are taken.
// `taken` maps address -> owner key.
std::string mesh_ipv4_avoiding(std::span<const uint8_t, 2> mesh_subnet, std::string_view pubkey,
                               std::string_view secret,
                               const std::map<std::string, std::string, std::less<>>& taken);

// §5.6 Improvement: whether an announced IPv4 mesh address is one a Go or C++ node with
// this key could legitimately use: the plain derivation or a nonce 1..10 derivation, or
// with a custom subnet the subnet derivation or its nonce 1..10 variants.
bool is_plausible_mesh_ipv4(const DerivedKeys& keys, std::string_view secret,
                            std::string_view pubkey, std::string_view ip,
                            const std::optional<GoIpNet>& custom_subnet = std::nullopt);

}  // namespace wgmesh::keys
