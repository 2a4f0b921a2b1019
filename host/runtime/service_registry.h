// Named services between plugins (e.g. "gossip.broadcast"): host-mediated, so a plugin never
// looks up another plugin's symbols.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "common/result.h"

namespace wgmesh {

// A service answers a JSON request synchronously; returns a wgm_status-style code.
using ServiceFn = std::function<int(const std::string& request, std::string& reply)>;

class ServiceRegistry {
 public:
  Status add(const std::string& name, const std::string& owner, ServiceFn fn);
  void remove_owner(const std::string& owner);
  // Returns WGM_ERR_NOT_FOUND (-2) if nobody provides `name`.
  int call(const std::string& name, const std::string& request, std::string& reply) const;
  bool has(const std::string& name) const { return services_.count(name) > 0; }

 private:
  struct Entry {
    std::string owner;
    ServiceFn fn;
  };
  std::map<std::string, Entry> services_;
};

}  // namespace wgmesh
