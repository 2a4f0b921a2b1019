// Runs the real wgmesh-dht.so (dlopen) against a FakeHost, through a copy of the fake host's
// function table that also records what the fake host does not: the address, flags, label
// and timeout of every control_exchange, and how often timers are armed.
#pragma once

#include <rapidjson/document.h>
#include <wgmesh/plugin.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fake_host.h"

namespace wgmesh::dht::plugin::test {

struct ExchangeCall {
  std::string to;  // "ip:port"
  uint32_t flags;
  uint32_t timeout_ms;
  std::string label;
  uint64_t at_ms;
};

class DhtUnderTest {
 public:
  // Loads the plugin into `host` with [plugins.dht] = config_json. Tests must always name
  // a bootstrap list (a local one or []): the default is the public routers.
  DhtUnderTest(wgmesh::test::FakeHost& host, std::string config_json);
  ~DhtUnderTest();
  DhtUnderTest(const DhtUnderTest&) = delete;
  DhtUnderTest& operator=(const DhtUnderTest&) = delete;

  int create();
  int start();
  void stop();
  void destroy();

  wgm_ctx* ctx() const { return ctx_; }
  const wgm_plugin_desc& desc() const { return *desc_; }
  // dht.stats over the fake host's RPC dispatch.
  rapidjson::Document stats();
  uint64_t stat(const char* key);
  // dht.lookup; the reply arrives while the host runs.
  void lookup(const std::string& info_hash_hex,
              std::function<void(bool is_error, const std::string& json)> done);

  std::vector<ExchangeCall> exchanges;
  size_t timer_starts = 0;
  size_t work_jobs = 0;

 private:
  wgmesh::test::FakeHost& host_;
  std::string config_;
  void* lib_ = nullptr;
  const wgm_plugin_desc* desc_ = nullptr;
  wgm_host_api table_{};
  wgm_ctx* ctx_ = nullptr;
  void* instance_ = nullptr;
  bool started_ = false;
};

// JSON of a bootstrap-only config (never the public default routers).
std::string dht_config(const std::vector<std::string>& bootstrap, const std::string& extra = "");

}  // namespace wgmesh::dht::plugin::test
