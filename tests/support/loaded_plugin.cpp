#include "loaded_plugin.h"

#include <dlfcn.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <vector>

namespace wgmesh::test {

std::unique_ptr<LoadedPlugin> LoadedPlugin::open(const std::string& path, std::string& error) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    error = "cannot load " + path + ": " + (why ? why : "unknown error");
    return nullptr;
  }
  auto entry = reinterpret_cast<wgm_plugin_entry_fn>(dlsym(handle, WGMESH_PLUGIN_ENTRY_SYMBOL));
  const wgm_plugin_desc* desc = entry ? entry() : nullptr;
  if (!entry)
    error = "missing entry symbol " WGMESH_PLUGIN_ENTRY_SYMBOL;
  else if (!desc)
    error = "entry symbol returned no descriptor";
  else if (desc->abi_major != WGMESH_ABI_MAJOR)
    error = "wrong ABI major";
  else if (desc->abi_minor > WGMESH_ABI_MINOR)
    error = "ABI minor newer than the host's";
  else if (!desc->name || !desc->create || !desc->start || !desc->stop || !desc->destroy)
    error = "incomplete descriptor";
  if (!error.empty()) {
    dlclose(handle);
    return nullptr;
  }
  return std::make_unique<LoadedPlugin>(Token{}, handle, desc);
}

LoadedPlugin::~LoadedPlugin() {
  destroy();
  dlclose(handle_);
}

int LoadedPlugin::create(FakeHost& host, const std::string& config_json) {
  if (created_) return WGM_ERR_STATE;
  error_.clear();
  rapidjson::Document doc;
  doc.Parse(config_json.c_str(), config_json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    error_ = "config is not a JSON object";
    return WGM_ERR_INVALID;
  }
  std::vector<std::string> accepted;
  for (const char* const* k = desc_->config_keys; k && *k; ++k) accepted.emplace_back(*k);
  for (const auto& m : doc.GetObject()) {
    std::string key = m.name.GetString();
    if (std::find(accepted.begin(), accepted.end(), key) == accepted.end()) {
      error_ = "unknown key 'plugins." + std::string(desc_->name) + "." + key + "'";
      return WGM_ERR_INVALID;
    }
  }
  host_ = &host;
  ctx_ = host.add_context(desc_->name, config_json);
  host.set_descriptor(ctx_, desc_);
  int rc = desc_->create(host.api(), ctx_, &instance_);
  if (rc != WGM_OK) {
    error_ = "create failed (status " + std::to_string(rc) + ")";
    // A failed create owns nothing the plugin must free; the context goes like the daemon's.
    host.release_context(ctx_);
    ctx_ = nullptr;
    instance_ = nullptr;
    return rc;
  }
  created_ = true;
  return WGM_OK;
}

int LoadedPlugin::start() {
  if (!created_ || started_) return WGM_ERR_STATE;
  int rc = desc_->start(instance_);
  started_ = rc == WGM_OK;
  return rc;
}

void LoadedPlugin::stop() {
  if (!started_) return;
  desc_->stop(instance_);
  started_ = false;
}

void LoadedPlugin::destroy() {
  stop();
  if (!created_) return;
  desc_->destroy(instance_);
  created_ = false;
  instance_ = nullptr;
  host_->release_context(ctx_);
  ctx_ = nullptr;
}

}  // namespace wgmesh::test
