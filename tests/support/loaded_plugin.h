// Loads a real plugin .so with dlopen and drives its lifecycle against a FakeHost, with the
// same checks the daemon's loader applies (entry symbol, ABI version, name, config keys).
#pragma once

#include <wgmesh/plugin.h>

#include <memory>
#include <string>

#include "fake_host.h"

namespace wgmesh::test {

class LoadedPlugin {
  struct Token {};  // private: only open() constructs

 public:
  // nullptr (and `error`) if the file cannot be loaded or its descriptor is unusable.
  static std::unique_ptr<LoadedPlugin> open(const std::string& path, std::string& error);
  LoadedPlugin(Token, void* handle, const wgm_plugin_desc* desc) : handle_(handle), desc_(desc) {}
  ~LoadedPlugin();  // stop, destroy, release the context, dlclose (whatever is still due)
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  const wgm_plugin_desc& desc() const { return *desc_; }

  // Creates an instance in `host` with [plugins.<name>] = `config_json`. A key the plugin
  // does not declare in config_keys is refused before create, as the daemon does
  // (WGM_ERR_INVALID, reason in last_error()).
  int create(FakeHost& host, const std::string& config_json = "{}");
  int start();
  void stop();
  void destroy();

  wgm_ctx* ctx() const { return ctx_; }
  const std::string& last_error() const { return error_; }

 private:
  void* handle_;
  const wgm_plugin_desc* desc_;
  FakeHost* host_ = nullptr;
  wgm_ctx* ctx_ = nullptr;
  void* instance_ = nullptr;
  bool created_ = false;
  bool started_ = false;
  std::string error_;
};

}  // namespace wgmesh::test
