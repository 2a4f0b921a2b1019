#include "mesh/peer_sources.h"

namespace wgmesh {

SourceRegistry::SourceRegistry() {
  // Ranks from daemon.md §4.3 / discovery.md §2.5.
  sources_["lan"] = {"lan", 100, SourceClass::Lan};
  sources_["dht-rendezvous"] = {"dht-rendezvous", 90, SourceClass::Rendezvous};
  sources_["dht"] = {"dht", 70, SourceClass::Direct};
  sources_["gossip"] = {"gossip", 65, SourceClass::Direct};
  sources_["dht-transitive"] = {"dht-transitive", 40, SourceClass::Transitive};
  sources_["gossip-transitive"] = {"gossip-transitive", 35, SourceClass::Transitive};
  sources_["dht-ipv6-sync"] = {"dht-ipv6-sync", 30, SourceClass::Direct};
  sources_["cache"] = {"cache", 20, SourceClass::Cache};
}

Status SourceRegistry::add(const std::string& label, int rank, SourceClass cls) {
  if (label.empty() || label.size() > 64) return Error{"source label must be 1-64 characters"};
  if (rank < 0 || rank > 100) return Error{"source '" + label + "': rank must be 0-100"};
  auto it = sources_.find(label);
  if (it != sources_.end()) {
    if (it->second.rank == rank && it->second.cls == cls) return {};
    return Error{"source '" + label + "' is already registered with rank " +
                 std::to_string(it->second.rank)};
  }
  sources_[label] = {label, rank, cls};
  return {};
}

const SourceInfo* SourceRegistry::find(const std::string& label) const {
  auto it = sources_.find(label);
  return it == sources_.end() ? nullptr : &it->second;
}

}  // namespace wgmesh
