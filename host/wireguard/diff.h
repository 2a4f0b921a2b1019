// Desired-vs-actual diff for one WireGuard device: the pure heart of reconcile.
// Given what the device reports and what the mesh wants, it computes the smallest
// DeviceUpdate that makes the device match, so changing one peer among a thousand sends one
// peer (and an idle reconcile pass sends nothing). Comparing against the device's real state,
// rather than a cache of what was last sent, is what lets a periodic pass repair drift.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/result.h"
#include "wireguard/types.h"

namespace wgmesh::wg {

// What one peer should look like.
struct DesiredPeer {
  Key public_key;
  std::optional<Key> preshared_key;  // nullopt (or all-zero) = no PSK
  // nullopt = keep whatever the device has: a peer may have roamed and WireGuard learned its
  // new address from authenticated traffic; overwriting it with a stale guess would cut it off.
  std::optional<Endpoint> endpoint;
  std::vector<IpPrefix> allowed_ips;  // compared as a canonical set: order and host bits ignored
  uint16_t persistent_keepalive = 0;  // 0 = off
};

struct DesiredDevice {
  std::optional<Key> private_key;  // nullopt = leave as is
  std::optional<uint16_t> listen_port;
  std::optional<uint32_t> fwmark;
  std::vector<DesiredPeer> peers;  // the complete set: peers not listed are removed
};

// Returns the minimal update turning `actual` into `desired`:
//  * peers only in `actual` -> {remove};
//  * peers only in `desired` -> full config with replace_allowed_ips;
//  * peers in both -> only the fields that differ, with update_only set so that if the peer
//    vanished between the read and the write, a half-specified peer is not created (the next
//    pass adds it properly);
//  * device fields only when they differ (private keys compared after clamping).
// Fails on a duplicate public key in `desired`, or on the device's own public key listed as
// a peer (WireGuard rejects that), naming the key.
Result<DeviceUpdate> compute_update(const DeviceState& actual, const DesiredDevice& desired);

// Folds an update that the device accepted into a copy of its state, giving what a fresh
// read would return for the configuration fields (counters and handshakes are left as they
// were; a new peer starts with none). Lets the event path diff against a cached state
// instead of re-reading a large device for every change; a periodic full read still
// catches anything changed behind our back.
void apply_update_to_state(DeviceState& state, const DeviceUpdate& update);

// Canonicalises, sorts and de-duplicates a list of prefixes (the form compared by the diff).
std::vector<IpPrefix> canonical_set(const std::vector<IpPrefix>& prefixes);

}  // namespace wgmesh::wg
