#include "value_filter.h"

namespace wgmesh::dht::plugin {

namespace {
bool unroutable(const Endpoint& e) {
  if (e.is_unspecified()) return true;
  if (e.is_v4()) return e.addr[0] >= 224;  // 224/4 multicast, 240/4 reserved + broadcast
  return e.addr[0] == 0xff;                // ff00::/8 multicast
}
}  // namespace

ValueVerdict classify_value(const Endpoint& value, uint16_t gossip_port, bool ipv6_allowed,
                            const SelfAddresses& self) {
  if (value.port != gossip_port) return ValueVerdict::WrongPort;
  if (unroutable(value)) return ValueVerdict::Invalid;
  if (value.is_v6() && !ipv6_allowed) return ValueVerdict::FamilyOff;
  if (self.contains(value)) return ValueVerdict::Self;
  return ValueVerdict::Ok;
}

}  // namespace wgmesh::dht::plugin
