// Which peer values from a lookup may become an exchange at all (before the rate limits of
// ExchangeGate). Every genuine wgmesh node announces its gossip port, so any other port is
// at best another application's torrent peer and at worst an amplification target.
#pragma once

#include <cstddef>
#include <cstdint>

#include "self_addresses.h"
#include "wgmesh/dht/endpoint.h"

namespace wgmesh::dht::plugin {

// At most this many values are taken from one lookup (discovery.md §3.4 improvement).
inline constexpr size_t kMaxValuesPerLookup = 50;

enum class ValueVerdict { Ok, WrongPort, Invalid, FamilyOff, Self };

// Invalid: unspecified, multicast, IPv4 class E / limited broadcast: no host lives there.
ValueVerdict classify_value(const Endpoint& value, uint16_t gossip_port, bool ipv6_allowed,
                            const SelfAddresses& self);

}  // namespace wgmesh::dht::plugin
