#include "wireguard/diff.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace wgmesh::wg {
namespace {

// The PSK as WireGuard reports it: none is nullopt, never an all-zero key.
std::optional<Key> normalised_psk(const std::optional<Key>& psk) {
  if (!psk || psk->is_zero()) return std::nullopt;
  return psk;
}

}  // namespace

std::vector<IpPrefix> canonical_set(const std::vector<IpPrefix>& prefixes) {
  std::vector<IpPrefix> out;
  out.reserve(prefixes.size());
  for (const auto& p : prefixes) out.push_back(p.canonical());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<DeviceUpdate> compute_update(const DeviceState& actual, const DesiredDevice& desired) {
  DeviceUpdate update;

  if (desired.private_key) {
    const Key want = desired.private_key->is_zero() ? Key{} : desired.private_key->clamped();
    const Key have = actual.private_key.value_or(Key{});
    if (want != have) update.private_key = want;
  }
  // Port 0 asks for "any free port", which every bound port satisfies.
  if (desired.listen_port && *desired.listen_port != 0 &&
      *desired.listen_port != actual.listen_port)
    update.listen_port = desired.listen_port;
  if (desired.fwmark && *desired.fwmark != actual.fwmark) update.fwmark = desired.fwmark;

  std::optional<Key> own_public = actual.public_key;
  if (desired.private_key && !desired.private_key->is_zero())
    own_public = desired.private_key->public_key();

  std::unordered_set<Key, KeyHash> wanted;
  wanted.reserve(desired.peers.size());
  for (const auto& d : desired.peers) {
    if (!wanted.insert(d.public_key).second)
      return Error{"desired peers list peer " + d.public_key.to_base64() + " twice"};
    if (own_public && d.public_key == *own_public)
      return Error{"desired peer " + d.public_key.to_base64() + " is this device's own key"};
  }

  std::unordered_map<Key, const PeerState*, KeyHash> current;
  current.reserve(actual.peers.size());
  for (const auto& p : actual.peers) current.emplace(p.public_key, &p);

  // Removals first: a prefix moving from a departing peer to a new one is then never briefly
  // claimed by both (WireGuard would move it anyway, but the intent reads more clearly).
  for (const auto& p : actual.peers) {
    if (wanted.count(p.public_key) != 0) continue;
    PeerConfig pc;
    pc.public_key = p.public_key;
    pc.remove = true;
    update.peers.push_back(std::move(pc));
  }

  for (const auto& d : desired.peers) {
    const auto want_psk = normalised_psk(d.preshared_key);
    auto want_ips = canonical_set(d.allowed_ips);
    const auto it = current.find(d.public_key);

    PeerConfig pc;
    pc.public_key = d.public_key;
    if (it == current.end()) {
      if (want_psk) pc.preshared_key = want_psk;
      pc.endpoint = d.endpoint;
      if (d.persistent_keepalive != 0) pc.persistent_keepalive = d.persistent_keepalive;
      pc.replace_allowed_ips = true;
      pc.allowed_ips = std::move(want_ips);
      update.peers.push_back(std::move(pc));
      continue;
    }

    const PeerState& have = *it->second;
    bool changed = false;
    if (want_psk != normalised_psk(have.preshared_key)) {
      pc.preshared_key = want_psk.value_or(Key{});  // all-zero removes it
      changed = true;
    }
    if (d.endpoint && d.endpoint != have.endpoint) {
      pc.endpoint = d.endpoint;
      changed = true;
    }
    if (d.persistent_keepalive != have.persistent_keepalive) {
      pc.persistent_keepalive = d.persistent_keepalive;
      changed = true;
    }
    if (want_ips != canonical_set(have.allowed_ips)) {
      pc.replace_allowed_ips = true;
      pc.allowed_ips = std::move(want_ips);
      changed = true;
    }
    if (changed) {
      pc.update_only = true;
      update.peers.push_back(std::move(pc));
    }
  }
  return update;
}

}  // namespace wgmesh::wg
