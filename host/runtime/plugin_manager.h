// Loads, orders, starts and stops plugins. Every refusal is ONE log line naming the file and
// the reason; a failing plugin never takes the host down (plugins that depend on it are
// refused in turn).
#pragma once

#include <wgmesh/plugin.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/config.h"
#include "runtime/host_core.h"

struct wgm_ctx;

namespace wgmesh {

enum class PluginState { Loaded, Created, Started, Stopped, Refused };

struct PluginStatus {
  std::string name;
  std::string path;
  std::string version;
  std::string description;
  PluginState state = PluginState::Loaded;
  std::string reason;  // why it was refused
};

const char* plugin_state_name(PluginState state);

class PluginManager {
 public:
  explicit PluginManager(HostCore& core);
  ~PluginManager();  // stops and unloads everything still loaded
  PluginManager(const PluginManager&) = delete;
  PluginManager& operator=(const PluginManager&) = delete;

  // dlopen each enabled plugin as <dir>/wgmesh-<name>.so, check it, order by dependencies,
  // validate its config table keys, and create it. Returns the number created.
  size_t load(const PluginsConfig& config, const std::string& config_source);
  size_t start_all();  // in dependency order; returns how many started
  void stop_all();     // reverse order
  void unload_all();   // destroy + dlclose, reverse order

  std::vector<PluginStatus> status() const;
  size_t started_count() const;
  std::string status_json() const;

 private:
  struct Loaded;
  void refuse(Loaded& p, const std::string& reason);
  HostCore& core_;
  std::vector<std::unique_ptr<Loaded>> plugins_;  // in start order once loaded
  std::vector<PluginStatus> refused_;
};

}  // namespace wgmesh
