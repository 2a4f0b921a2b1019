#include "mesh/address_space.h"

#include "keys/mesh_address.h"

namespace wgmesh {

Result<std::string> AddressSpace::derive(std::string_view pubkey, int64_t nonce) const {
  if (custom_subnet_) {
    return nonce == 0
               ? keys::mesh_ipv4_in_subnet(*custom_subnet_, pubkey, secret_)
               : keys::mesh_ipv4_in_subnet_with_nonce(*custom_subnet_, pubkey, secret_, nonce);
  }
  return nonce == 0 ? keys::mesh_ipv4(derived_.mesh_subnet, pubkey, secret_)
                    : keys::mesh_ipv4_with_nonce(derived_.mesh_subnet, pubkey, secret_, nonce);
}

bool AddressSpace::contains(std::string_view ip) const {
  return keys::mesh_ip_in_subnet(ip, derived_.mesh_subnet, custom_subnet_);
}

bool AddressSpace::plausible(std::string_view pubkey, std::string_view ip) const {
  return keys::is_plausible_mesh_ipv4(derived_, secret_, pubkey, ip, custom_subnet_);
}

Result<std::string> AddressSpace::startup_address(std::string_view pubkey,
                                                  std::string_view persisted) const {
  if (!persisted.empty() && contains(persisted) && plausible(pubkey, persisted))
    return std::string(persisted);
  return derive(pubkey, 0);
}

}  // namespace wgmesh
