// Discovery source labels with explicit rank and class (daemon.md §4.3, §15.1): the host's
// rules use the class, never substrings of the label. The original's labels are registered
// up front so logs and RPC output keep the original names.
#pragma once

#include <map>
#include <string>

#include "common/result.h"

namespace wgmesh {

enum class SourceClass { Lan = 1, Direct = 2, Rendezvous = 3, Transitive = 4, Cache = 5 };

struct SourceInfo {
  std::string label;
  int rank = 30;
  SourceClass cls = SourceClass::Direct;
  // Transitive and cache reports are second-hand: they must not keep a peer alive.
  bool refreshes_liveness() const { return cls != SourceClass::Transitive && cls != SourceClass::Cache; }
};

class SourceRegistry {
 public:
  SourceRegistry();  // pre-registers lan, dht-rendezvous, dht, gossip, dht-transitive, ...
  Status add(const std::string& label, int rank, SourceClass cls);
  const SourceInfo* find(const std::string& label) const;

 private:
  std::map<std::string, SourceInfo> sources_;
};

}  // namespace wgmesh
