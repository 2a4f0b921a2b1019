#include "wireguard/diff.h"

#include <algorithm>
#include <map>
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
    const auto it = current.find(d.public_key);

    PeerConfig pc;
    pc.public_key = d.public_key;
    if (it == current.end()) {
      if (want_psk) pc.preshared_key = want_psk;
      pc.endpoint = d.endpoint;
      if (d.persistent_keepalive != 0) pc.persistent_keepalive = d.persistent_keepalive;
      pc.replace_allowed_ips = true;
      pc.allowed_ips = canonical_set(d.allowed_ips);
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
    // Equal lists are equal sets; only different lists need the (allocating) canonical
    // comparison. This keeps an unchanged 1000-peer device at a fraction of a millisecond.
    if (d.allowed_ips != have.allowed_ips) {
      auto want_ips = canonical_set(d.allowed_ips);
      if (want_ips != canonical_set(have.allowed_ips)) {
        pc.replace_allowed_ips = true;
        pc.allowed_ips = std::move(want_ips);
        changed = true;
      }
    }
    if (changed) {
      pc.update_only = true;
      update.peers.push_back(std::move(pc));
    }
  }
  return update;
}

void apply_update_to_state(DeviceState& state, const DeviceUpdate& update) {
  if (update.private_key) {
    if (update.private_key->is_zero()) {
      state.private_key.reset();
      state.public_key.reset();
    } else {
      state.private_key = update.private_key->clamped();
      state.public_key = state.private_key->public_key();
    }
  }
  if (update.listen_port && *update.listen_port != 0) state.listen_port = *update.listen_port;
  if (update.fwmark) state.fwmark = *update.fwmark;

  std::unordered_map<Key, size_t, KeyHash> index;
  index.reserve(state.peers.size());
  for (size_t i = 0; i < state.peers.size(); ++i) index.emplace(state.peers[i].public_key, i);
  std::vector<bool> keep(state.peers.size(), !update.replace_peers);
  // WireGuard gives each prefix to one peer: adding it to one takes it from any other. The
  // index is built only when the update adds prefixes (an endpoint or keepalive change on a
  // 1000-peer device needs none).
  std::map<IpPrefix, size_t> owner;  // canonical prefix -> peer index (may be stale: harmless)
  const bool adds_prefixes =
      std::any_of(update.peers.begin(), update.peers.end(),
                  [](const PeerConfig& pc) { return !pc.allowed_ips.empty(); });
  if (adds_prefixes)
    for (size_t i = 0; i < state.peers.size(); ++i)
      for (const auto& q : state.peers[i].allowed_ips) owner[q.canonical()] = i;

  for (const auto& pc : update.peers) {
    auto it = index.find(pc.public_key);
    if (pc.remove) {
      if (it != index.end()) keep[it->second] = false;
      continue;
    }
    if (it == index.end()) {
      if (pc.update_only) continue;  // WireGuard ignores it too
      PeerState fresh;
      fresh.public_key = pc.public_key;
      it = index.emplace(pc.public_key, state.peers.size()).first;
      state.peers.push_back(std::move(fresh));
      keep.push_back(true);
    }
    const size_t self = it->second;
    keep[self] = true;
    PeerState& peer = state.peers[self];
    if (pc.preshared_key) peer.preshared_key = normalised_psk(pc.preshared_key);
    if (pc.endpoint) peer.endpoint = pc.endpoint;
    if (pc.persistent_keepalive) peer.persistent_keepalive = *pc.persistent_keepalive;
    if (pc.replace_allowed_ips) peer.allowed_ips.clear();
    if (pc.allowed_ips.empty()) continue;
    for (const auto& prefix : pc.allowed_ips) {
      const IpPrefix c = prefix.canonical();
      auto [slot, fresh_prefix] = owner.try_emplace(c, self);
      if (!fresh_prefix && slot->second != self) {
        std::erase_if(state.peers[slot->second].allowed_ips,
                      [&](const IpPrefix& q) { return q.canonical() == c; });
        slot->second = self;
      }
    }
    peer.allowed_ips.insert(peer.allowed_ips.end(), pc.allowed_ips.begin(), pc.allowed_ips.end());
    peer.allowed_ips = canonical_set(peer.allowed_ips);
  }
  std::vector<PeerState> kept;
  kept.reserve(state.peers.size());
  for (size_t i = 0; i < state.peers.size(); ++i)
    if (keep[i]) kept.push_back(std::move(state.peers[i]));
  state.peers = std::move(kept);
}

}  // namespace wgmesh::wg
