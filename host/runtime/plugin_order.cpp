#include "runtime/plugin_order.h"

#include <algorithm>
#include <set>

namespace wgmesh {

PluginOrder order_plugins(const std::vector<PluginDeps>& plugins) {
  PluginOrder result;
  std::set<std::string> accepted;
  for (const auto& p : plugins) accepted.insert(p.name);

  // Repeatedly refuse plugins with a requirement no accepted plugin provides (cascades).
  bool changed = true;
  while (changed) {
    changed = false;
    std::map<std::string, std::string> provider;  // capability -> plugin
    for (const auto& p : plugins) {
      if (!accepted.count(p.name)) continue;
      provider.emplace(p.name, p.name);
      for (const auto& cap : p.provides) provider.emplace(cap, p.name);
    }
    for (const auto& p : plugins) {
      if (!accepted.count(p.name)) continue;
      for (const auto& need : p.requires_) {
        auto it = provider.find(need);
        if (it == provider.end() || it->second == p.name) {
          std::string reason = "missing dependency '" + need + "'";
          if (result.refused.count(need)) reason += " (plugin " + need + " was refused)";
          else reason += " (no enabled plugin provides it)";
          result.refused[p.name] = reason;
          accepted.erase(p.name);
          changed = true;
          break;
        }
      }
    }
  }

  // Kahn's algorithm, picking the earliest-listed ready plugin each round (stable).
  std::map<std::string, std::string> provider;
  for (const auto& p : plugins) {
    if (!accepted.count(p.name)) continue;
    provider.emplace(p.name, p.name);
    for (const auto& cap : p.provides) provider.emplace(cap, p.name);
  }
  std::set<std::string> started;
  while (started.size() < accepted.size()) {
    bool progressed = false;
    for (const auto& p : plugins) {
      if (!accepted.count(p.name) || started.count(p.name)) continue;
      bool ready = std::all_of(p.requires_.begin(), p.requires_.end(), [&](const std::string& n) {
        return started.count(provider.at(n)) > 0;
      });
      if (ready) {
        started.insert(p.name);
        result.start_order.push_back(p.name);
        progressed = true;
        break;
      }
    }
    if (!progressed) {  // the rest form a cycle
      for (const auto& p : plugins)
        if (accepted.count(p.name) && !started.count(p.name))
          result.refused[p.name] = "dependency cycle";
      break;
    }
  }
  return result;
}

}  // namespace wgmesh
