#include "mesh/collision.h"

#include <algorithm>
#include <map>

#include "keys/mesh_address.h"

namespace wgmesh {
namespace {

std::string short_key(const std::string& key) { return key.substr(0, 8) + "..."; }

// x.y.z.0 and x.y.z.255 are legal hosts in a /16 but are treated as network or broadcast
// addresses by enough software (and by /24-minded firewalls) to be worth avoiding.
bool bad_last_octet(std::string_view ip) {
  const auto dot = ip.rfind('.');
  if (dot == std::string_view::npos) return true;
  const std::string_view last = ip.substr(dot + 1);
  return last == "0" || last == "255";
}

}  // namespace

std::vector<Collision> find_collisions(const std::vector<MeshIpClaim>& claims) {
  std::map<std::string, std::set<std::string>> by_ip;  // ip -> keys, sorted byte-wise
  std::set<std::string> seen_keys;
  for (const auto& c : claims) {
    if (c.mesh_ip.empty() || !seen_keys.insert(c.pubkey).second) continue;
    by_ip[c.mesh_ip].insert(c.pubkey);
  }
  std::vector<Collision> out;
  for (const auto& [ip, keys] : by_ip) {
    if (keys.size() < 2) continue;
    // std::string orders byte-wise (char_traits<char> compares as unsigned char), the
    // same order as Go's string comparison.
    const std::string& winner = *keys.begin();
    for (auto it = std::next(keys.begin()); it != keys.end(); ++it)
      out.push_back({ip, winner, *it});
  }
  return out;
}

std::optional<std::string> free_collision_address(const AddressSpace& space,
                                                  std::string_view pubkey,
                                                  const std::set<std::string, std::less<>>& taken) {
  for (int nonce = 1; nonce <= keys::kMaxCollisionNonce; ++nonce) {
    auto ip = space.derive(pubkey, nonce);
    if (!ip.ok()) return std::nullopt;
    if (!taken.count(*ip) && !bad_last_octet(*ip)) return *ip;
  }
  return std::nullopt;
}

CollisionOutcome CollisionResolver::scan(const std::string& local_ip,
                                         const std::vector<MeshIpClaim>& peers) {
  std::vector<MeshIpClaim> claims;
  claims.reserve(peers.size() + 1);
  claims.push_back({local_pubkey_, local_ip});
  std::set<std::string, std::less<>> taken;
  for (const auto& p : peers) {
    if (p.pubkey == local_pubkey_) continue;  // never trust a report about ourselves
    claims.push_back(p);
    if (!p.mesh_ip.empty()) taken.insert(p.mesh_ip);
  }

  CollisionOutcome out;
  std::set<std::string> still_reported;
  auto once = [&](const std::string& id, const std::string& message) {
    still_reported.insert(id);
    if (!reported_.count(id)) out.warnings.push_back(message);
  };
  std::set<std::string, std::less<>> taken_all = taken;
  taken_all.insert(local_ip);

  for (const Collision& c : find_collisions(claims)) {
    once(c.mesh_ip + "|" + c.winner + "|" + c.loser,
         "[Collision] Mesh IP collision detected: " + c.mesh_ip + " claimed by " +
             short_key(c.winner) + " and " + short_key(c.loser));
    if (c.loser == local_pubkey_) {
      auto next = free_collision_address(space_, local_pubkey_, taken);
      if (next) {
        out.new_local_ip = *next;
        out.warnings.push_back("[Collision] We lost collision, re-deriving mesh IP: " + local_ip +
                               " -> " + *next);
      } else {
        out.unresolved = true;
        once("unresolved|" + c.mesh_ip, "[Collision] We lost collision on " + c.mesh_ip +
                                            " but all " + std::to_string(keys::kMaxCollisionNonce) +
                                            " re-derived addresses are taken; keeping it");
      }
    } else {
      auto next = free_collision_address(space_, c.loser, taken_all);
      once(c.mesh_ip + "|" + c.winner + "|" + c.loser + "|hint",
           "[Collision] Remote peer " + short_key(c.loser) + " should re-derive to " +
               (next ? *next : std::string("(no free address)")));
    }
  }
  reported_ = std::move(still_reported);
  return out;
}

}  // namespace wgmesh
