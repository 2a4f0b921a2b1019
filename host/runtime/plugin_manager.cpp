#include "runtime/plugin_manager.h"

#include <dlfcn.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "runtime/logger.h"
#include "runtime/plugin_context.h"
#include "runtime/plugin_order.h"

#ifndef WGMESH_DEFAULT_PLUGIN_DIR
#define WGMESH_DEFAULT_PLUGIN_DIR "/usr/local/lib/wgmesh/plugins"
#endif

namespace wgmesh {

const char* plugin_state_name(PluginState state) {
  switch (state) {
    case PluginState::Loaded:
      return "loaded";
    case PluginState::Created:
      return "created";
    case PluginState::Started:
      return "started";
    case PluginState::Stopped:
      return "stopped";
    case PluginState::Refused:
      return "refused";
  }
  return "unknown";
}

struct DlCloser {
  void operator()(void* handle) const {
    if (handle) dlclose(handle);
  }
};

struct PluginManager::Loaded {
  PluginStatus status;
  std::unique_ptr<void, DlCloser> library;
  const wgm_plugin_desc* desc = nullptr;
  std::unique_ptr<wgm_ctx> ctx;
  void* instance = nullptr;
  std::vector<std::string> provides, requires_;
};

namespace {
std::vector<std::string> string_list(const char* const* list) {
  std::vector<std::string> out;
  for (size_t i = 0; list && list[i]; ++i) out.emplace_back(list[i]);
  return out;
}

// Plugin names become file names (wgmesh-<name>.so): 1-64 of [a-z0-9_-], nothing that could
// walk out of the plugin directory.
bool valid_plugin_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}
}  // namespace

PluginManager::PluginManager(HostCore& core) : core_(core) {}

PluginManager::~PluginManager() {
  stop_all();
  unload_all();
}

void PluginManager::refuse(Loaded& p, const std::string& reason) {
  p.status.state = PluginState::Refused;
  p.status.reason = reason;
  log_error("plugins", "refused " + p.status.path + ": " + reason);
}

size_t PluginManager::load(const PluginsConfig& config, const std::string& config_source) {
  // Precedence: the config file, then WGMESH_PLUGIN_DIR (handy for builds that are not
  // installed), then the compiled-in install location.
  std::string dir = config.dir;
  if (dir.empty()) {
    const char* env = std::getenv("WGMESH_PLUGIN_DIR");
    dir = env && *env ? env : WGMESH_DEFAULT_PLUGIN_DIR;
  }
  std::vector<std::unique_ptr<Loaded>> candidates;

  for (const auto& name : config.enable) {
    auto p = std::make_unique<Loaded>();
    p->status.name = name;
    p->status.path = (std::filesystem::path(dir) / ("wgmesh-" + name + ".so")).string();
    if (!valid_plugin_name(name)) {
      refuse(*p, "invalid plugin name '" + name + "'");
      refused_.push_back(p->status);
      continue;
    }
    dlerror();
    void* handle = dlopen(p->status.path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* err = dlerror();
      refuse(*p, std::string("cannot load: ") + (err ? err : "unknown dlopen error"));
      refused_.push_back(p->status);
      continue;
    }
    p->library.reset(handle);
    auto entry = reinterpret_cast<wgm_plugin_entry_fn>(dlsym(handle, WGMESH_PLUGIN_ENTRY_SYMBOL));
    if (!entry) {
      refuse(*p, std::string("missing entry symbol ") + WGMESH_PLUGIN_ENTRY_SYMBOL);
      refused_.push_back(p->status);
      continue;
    }
    const wgm_plugin_desc* desc = entry();
    std::string why;
    if (!desc)
      why = "entry symbol returned no descriptor";
    else if (desc->struct_size < offsetof(wgm_plugin_desc, destroy) + sizeof(desc->destroy))
      why = "descriptor too small (struct_size " + std::to_string(desc->struct_size) + ")";
    else if (desc->abi_major != WGMESH_ABI_MAJOR)
      why = "ABI major " + std::to_string(desc->abi_major) + " is not the host's " +
            std::to_string(WGMESH_ABI_MAJOR);
    else if (desc->abi_minor > WGMESH_ABI_MINOR)
      why = "built for ABI " + std::to_string(desc->abi_major) + "." +
            std::to_string(desc->abi_minor) + ", newer than the host's " +
            std::to_string(WGMESH_ABI_MAJOR) + "." + std::to_string(WGMESH_ABI_MINOR);
    else if (!desc->name || name != desc->name)
      why = std::string("descriptor names the plugin '") + (desc->name ? desc->name : "") +
            "', expected '" + name + "'";
    else if (!desc->create || !desc->start || !desc->stop || !desc->destroy)
      why = "descriptor lacks create/start/stop/destroy";
    else if ((desc->flags & WGM_PLUGIN_NEEDS_UV_LOOP) && desc->uv_major != UV_VERSION_MAJOR)
      why = "needs libuv major " + std::to_string(desc->uv_major) + ", host has " +
            std::to_string(UV_VERSION_MAJOR);
    if (!why.empty()) {
      refuse(*p, why);
      refused_.push_back(p->status);
      continue;
    }
    p->desc = desc;
    p->status.version = desc->version ? desc->version : "";
    p->status.description = desc->description ? desc->description : "";
    p->provides = string_list(desc->provides);
    p->requires_ = string_list(desc->requirements);

    // Unknown keys in [plugins.<name>] are errors, reported with file and line.
    auto table = config.tables.find(name);
    if (table != config.tables.end()) {
      auto accepted = string_list(desc->config_keys);
      for (const auto& [key, line] : table->second.key_lines) {
        if (std::find(accepted.begin(), accepted.end(), key) == accepted.end()) {
          why = config_source + ":" + std::to_string(line) + ": unknown key 'plugins." + name +
                "." + key + "'";
          break;
        }
      }
      if (!why.empty()) {
        refuse(*p, why);
        refused_.push_back(p->status);
        continue;
      }
    }
    candidates.push_back(std::move(p));
  }
  for (const auto& [name, table] : config.tables) {
    if (std::find(config.enable.begin(), config.enable.end(), name) == config.enable.end())
      log_warn("plugins", config_source + ": [plugins." + name +
                              "] is configured but the plugin is not in plugins.enable");
  }

  std::vector<PluginDeps> deps;
  for (const auto& p : candidates) deps.push_back({p->status.name, p->provides, p->requires_});
  PluginOrder order = order_plugins(deps);
  for (auto& p : candidates) {
    auto it = order.refused.find(p->status.name);
    if (it != order.refused.end()) {
      refuse(*p, it->second);
      refused_.push_back(p->status);
      p.reset();
    }
  }
  size_t created = 0;
  for (const auto& name : order.start_order) {
    auto it = std::find_if(candidates.begin(), candidates.end(),
                           [&](const auto& p) { return p && p->status.name == name; });
    auto p = std::move(*it);
    // Refuse dependents of a plugin whose create failed.
    bool dep_missing = false;
    for (const auto& need : p->requires_) {
      bool ok = std::any_of(plugins_.begin(), plugins_.end(), [&](const auto& q) {
        return q->status.state == PluginState::Created &&
               (q->status.name == need ||
                std::find(q->provides.begin(), q->provides.end(), need) != q->provides.end());
      });
      if (!ok) {
        refuse(*p, "missing dependency '" + need + "' (its provider failed)");
        dep_missing = true;
        break;
      }
    }
    if (dep_missing) {
      refused_.push_back(p->status);
      continue;
    }
    auto table = config.tables.find(name);
    p->ctx = std::make_unique<wgm_ctx>(core_, name,
                                       table == config.tables.end() ? "{}" : table->second.json);
    p->ctx->desc = p->desc;
    void* instance = nullptr;
    int rc = WGM_ERR_INTERNAL;
    try {
      rc = p->desc->create(host_api_table(), p->ctx.get(), &instance);
    } catch (...) {
      rc = WGM_ERR_INTERNAL;  // a C++ plugin broke the no-exceptions rule
    }
    if (rc != WGM_OK) {
      refuse(*p, "create failed (status " + std::to_string(rc) + ")");
      core_.rpc.remove_owner(name);
      core_.services.remove_owner(name);
      if (core_.mesh) core_.mesh->control_unregister_owner(name);
      p->ctx.reset();
      refused_.push_back(p->status);
      continue;
    }
    p->instance = instance;
    p->status.state = PluginState::Created;
    ++created;
    plugins_.push_back(std::move(p));
  }
  return created;
}

size_t PluginManager::start_all() {
  size_t started = 0;
  for (auto& p : plugins_) {
    if (p->status.state != PluginState::Created) continue;
    bool deps_ok =
        std::all_of(p->requires_.begin(), p->requires_.end(), [&](const std::string& need) {
          return std::any_of(plugins_.begin(), plugins_.end(), [&](const auto& q) {
            return q->status.state == PluginState::Started &&
                   (q->status.name == need ||
                    std::find(q->provides.begin(), q->provides.end(), need) != q->provides.end());
          });
        });
    int rc = WGM_ERR_STATE;
    if (deps_ok) {
      try {
        rc = p->desc->start(p->instance);
      } catch (...) {
        rc = WGM_ERR_INTERNAL;
      }
    }
    if (rc != WGM_OK) {
      refuse(*p, deps_ok ? "start failed (status " + std::to_string(rc) + ")"
                         : "a dependency failed to start");
      try {
        p->desc->stop(p->instance);
      } catch (...) {
      }
      continue;
    }
    p->status.state = PluginState::Started;
    ++started;
    log_info("plugins",
             "started " + p->status.name + " " + p->status.version + " (" + p->status.path + ")");
  }
  return started;
}

void PluginManager::stop_all() {
  for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it) {
    auto& p = *it;
    if (p->status.state != PluginState::Started) continue;
    try {
      p->desc->stop(p->instance);
    } catch (...) {
    }
    p->status.state = PluginState::Stopped;
    log_info("plugins", "stopped " + p->status.name);
  }
}

void PluginManager::unload_all() {
  while (!plugins_.empty()) {
    auto p = std::move(plugins_.back());
    plugins_.pop_back();
    if (p->instance) {
      try {
        p->desc->destroy(p->instance);
      } catch (...) {
      }
    }
    core_.rpc.remove_owner(p->status.name);
    core_.services.remove_owner(p->status.name);
    if (core_.mesh) core_.mesh->control_unregister_owner(p->status.name);
    p->ctx.reset();  // releases sockets, timers, subscriptions before the code is unmapped
    p->library.reset();
  }
}

std::vector<PluginStatus> PluginManager::status() const {
  std::vector<PluginStatus> out;
  for (const auto& p : plugins_) out.push_back(p->status);
  for (const auto& r : refused_) out.push_back(r);
  return out;
}

size_t PluginManager::started_count() const {
  return static_cast<size_t>(std::count_if(plugins_.begin(), plugins_.end(), [](const auto& p) {
    return p->status.state == PluginState::Started;
  }));
}

std::string PluginManager::status_json() const {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartArray();
  for (const auto& s : status()) {
    w.StartObject();
    w.Key("name");
    w.String(s.name.c_str());
    w.Key("version");
    w.String(s.version.c_str());
    w.Key("state");
    w.String(plugin_state_name(s.state));
    w.Key("path");
    w.String(s.path.c_str());
    if (!s.reason.empty()) {
      w.Key("reason");
      w.String(s.reason.c_str());
    }
    w.EndObject();
  }
  w.EndArray();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace wgmesh
