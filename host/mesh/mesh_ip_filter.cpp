#include "mesh/mesh_ip_filter.h"

namespace wgmesh {

bool MeshIpFilter::accept(const std::string& pubkey, const std::string& ip) {
  bool ok = false;
  auto it = last_.find(pubkey);
  if (it != last_.end() && it->second.first == ip) {
    ok = it->second.second;
  } else {
    ok = space_.plausible(pubkey, ip);
    if (last_.size() >= kMaxRemembered) last_.clear();  // a cache, not a record
    last_[pubkey] = {ip, ok};
  }
  if (ok) return true;
  if (hooks_.count) hooks_.count();
  if (logged_.size() < kMaxRemembered && logged_.insert(pubkey).second && hooks_.log_once)
    hooks_.log_once("peer " + pubkey.substr(0, 16) + "... announced mesh IP " + ip +
                    ", which is not derived from its key; ignoring the address");
  return false;
}

}  // namespace wgmesh
