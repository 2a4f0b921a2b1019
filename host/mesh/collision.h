// Mesh IPv4 collision detection and resolution (daemon.md §8, crypto.md §5.4), I/O-free.
//
// Unlike the original — which scanned only the peer store, so the two colliding nodes never
// saw their own collision — the local node takes part in the scan. Every node applies the
// same rule to the same pair (the byte-wise lower public key text wins, as in Go, so mixed
// meshes agree), and only the loser moves: to the first nonce 1..10 address that is free in
// its view and whose last octet is neither 0 nor 255 (Go's variant can produce those).
// Callers pass active peers only: a dead peer's stale claim must not move anyone.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/address_space.h"

namespace wgmesh {

struct MeshIpClaim {
  std::string pubkey;
  std::string mesh_ip;
};

struct Collision {
  std::string mesh_ip;
  std::string winner;
  std::string loser;
  friend bool operator==(const Collision&, const Collision&) = default;
};

// Groups the claims by address; in each group the lowest key wins and every other claimant
// loses against it. The result does not depend on the order of `claims` (sorted by
// address, then loser). Empty addresses and repeated keys are ignored.
std::vector<Collision> find_collisions(const std::vector<MeshIpClaim>& claims);

// The first collision variant (nonce 1..kMaxCollisionNonce) of `pubkey` that is not in
// `taken` and does not end in .0 or .255; nullopt if there is none.
std::optional<std::string> free_collision_address(const AddressSpace& space,
                                                  std::string_view pubkey,
                                                  const std::set<std::string, std::less<>>& taken);

struct CollisionOutcome {
  std::vector<std::string> warnings;        // each distinct collision is reported once
  std::optional<std::string> new_local_ip;  // we lost: move here
  bool unresolved = false;                  // we lost and every variant is taken
};

class CollisionResolver {
 public:
  // `space` is borrowed and must outlive the resolver.
  CollisionResolver(const AddressSpace& space, std::string local_pubkey)
      : space_(space), local_pubkey_(std::move(local_pubkey)) {}

  // One scan over our own claim and the active peers' claims. Collisions that disappeared
  // are forgotten, so a later recurrence is reported again.
  CollisionOutcome scan(const std::string& local_ip, const std::vector<MeshIpClaim>& peers);

 private:
  const AddressSpace& space_;
  std::string local_pubkey_;
  std::set<std::string> reported_;  // "<ip>|<winner>|<loser>" (and "unresolved|<ip>")
};

}  // namespace wgmesh
