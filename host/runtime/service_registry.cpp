#include "runtime/service_registry.h"

namespace wgmesh {

Status ServiceRegistry::add(const std::string& name, const std::string& owner, ServiceFn fn) {
  if (name.empty()) return Error{"service: empty name"};
  auto it = services_.find(name);
  if (it != services_.end())
    return Error{"service '" + name + "' is already provided by " + it->second.owner};
  services_[name] = Entry{owner, std::move(fn)};
  return {};
}

void ServiceRegistry::remove_owner(const std::string& owner) {
  for (auto it = services_.begin(); it != services_.end();)
    it = it->second.owner == owner ? services_.erase(it) : std::next(it);
}

int ServiceRegistry::call(const std::string& name, const std::string& request,
                          std::string& reply) const {
  auto it = services_.find(name);
  if (it == services_.end()) return -2;
  ServiceFn fn = it->second.fn;  // copy: the service may re-enter the registry
  return fn(request, reply);
}

}  // namespace wgmesh
