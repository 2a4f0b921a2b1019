// Start order of plugins from their declared provides/requires (a topological sort).
// Pure logic, separate from dlopen, so it can be unit-tested exhaustively.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace wgmesh {

struct PluginDeps {
  std::string name;
  std::vector<std::string> provides;  // the plugin's own name is always implied
  std::vector<std::string> requires_;
};

struct PluginOrder {
  std::vector<std::string> start_order;         // dependencies first
  std::map<std::string, std::string> refused;   // name -> reason (one line)
};

// Plugins whose requirements are not provided by another accepted plugin are refused with a
// reason naming the missing capability; refusal cascades to plugins that need them. Cycles
// are refused too. Among independent plugins the input order is kept (the admin's order).
PluginOrder order_plugins(const std::vector<PluginDeps>& plugins);

}  // namespace wgmesh
