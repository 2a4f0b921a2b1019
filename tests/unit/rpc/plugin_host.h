// A real host (event loop, registries, PluginManager, no mesh) with the real wgmesh-rpc.so
// loaded from the build tree, for tests that talk to the plugin over its socket.
#pragma once

#include <rapidjson/document.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "runtime/event_loop.h"
#include "runtime/plugin_manager.h"

namespace wgmesh::test {

class PluginHost {
 public:
  explicit PluginHost(const std::string& state_dir)
      : core_{loop, metrics, rpc, services, nullptr, state_dir, "{}"} {}
  ~PluginHost() {
    stop_loop_thread();
    manager_.reset();
  }

  // Loads and starts the rpc plugin with `config` as its [plugins.rpc] table (JSON).
  // Returns true if it started; otherwise status() tells why.
  bool start_plugin(const std::string& config) {
    manager_ = std::make_unique<PluginManager>(core_);
    PluginsConfig pc;
    pc.dir = RPC_PLUGIN_DIR;
    pc.enable = {"rpc"};
    pc.tables["rpc"].json = config;
    rapidjson::Document doc;
    doc.Parse(config.c_str());
    if (doc.IsObject())
      for (const auto& m : doc.GetObject()) pc.tables["rpc"].key_lines[m.name.GetString()] = 1;
    manager_->load(pc, "test.toml");
    return manager_->start_all() == 1;
  }
  std::string refusal() const {
    for (const auto& s : manager_->status())
      if (s.state == PluginState::Refused) return s.reason;
    return "";
  }
  void stop_plugin() {
    if (manager_) {
      manager_->stop_all();
      manager_->unload_all();
    }
  }

  // Runs `client` on a thread while this thread drives the loop. False on timeout.
  bool run_client(const std::function<void()>& client, uint64_t timeout_ms = 15000,
                  const std::function<void()>& on_loop = {}) {
    std::atomic<bool> done{false};
    std::thread t([&] {
      client();
      done = true;
    });
    bool ok = loop.run_until(
        [&] {
          if (on_loop) on_loop();
          return done.load();
        },
        timeout_ms);
    t.join();
    return ok;
  }

  // For tests whose main thread blocks (running wgmeshctl): the loop runs on a thread.
  void start_loop_thread() {
    stop_ = false;
    loop_thread_ = std::thread([this] { loop.run_until([this] { return stop_.load(); }, 600000); });
  }
  void stop_loop_thread() {
    if (!loop_thread_.joinable()) return;
    stop_ = true;
    loop_thread_.join();
  }

  uint64_t counter(const std::string& name) const { return metrics.counter("rpc." + name); }
  int64_t gauge(const std::string& name) const {
    auto it = metrics.gauges().find("rpc." + name);
    return it == metrics.gauges().end() ? -1 : it->second;
  }

  EventLoop loop;
  Metrics metrics;
  RpcRegistry rpc;
  ServiceRegistry services;

 private:
  HostCore core_;
  std::unique_ptr<PluginManager> manager_;
  std::thread loop_thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace wgmesh::test
