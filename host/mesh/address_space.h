// The mesh's IPv4 address rules for any public key (crypto.md §5.2-§5.5, daemon.md §3.3):
// which address a key derives with nonce n, whether an address lies in the mesh subnet,
// and whether an announced address is one a Go or C++ node with that key could use.
// Pure computation over keys/mesh_address.h; the collision logic and the plausibility
// filter share it so they agree on what "derive(pubkey, nonce)" means.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "keys/derived_keys.h"
#include "keys/go_net.h"

namespace wgmesh {

class AddressSpace {
 public:
  // Borrows all three: they must outlive the AddressSpace (MeshKeys owns them in the daemon).
  AddressSpace(const keys::DerivedKeys& derived, std::string_view secret,
               const std::optional<keys::GoIpNet>& custom_subnet)
      : derived_(derived), secret_(secret), custom_subnet_(custom_subnet) {}

  // Nonce 0: the plain derivation (§5.2, or §5.5 with a custom subnet); 1..: the collision
  // variant (§5.4, or its custom-subnet form).
  Result<std::string> derive(std::string_view pubkey, int64_t nonce) const;
  // The custom subnet, or 10.<subnet[0]>.0.0/16.
  bool contains(std::string_view ip) const;
  // derive(pubkey, n) == ip for some n in 0..kMaxCollisionNonce (§5.6 Improvement).
  bool plausible(std::string_view pubkey, std::string_view ip) const;

  // Start-up choice (daemon.md §3.3, later upstream + Improvement): the persisted address
  // is kept if it lies in the expected subnet and is plausible for our key (it may be a
  // collision re-derivation from an earlier run); otherwise the plain derivation.
  Result<std::string> startup_address(std::string_view pubkey, std::string_view persisted) const;

 private:
  const keys::DerivedKeys& derived_;
  std::string_view secret_;
  const std::optional<keys::GoIpNet>& custom_subnet_;
};

}  // namespace wgmesh
