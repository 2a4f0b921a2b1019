#include "plugin_harness.h"

#include <dlfcn.h>

#include <map>
#include <stdexcept>

namespace wgmesh::dht::plugin::test {

namespace {

// The recording functions find their recorder by context (several instances may run).
std::map<wgm_ctx*, DhtUnderTest*>& recorders() {
  static std::map<wgm_ctx*, DhtUnderTest*> m;
  return m;
}
const wgm_host_api* fake_api = nullptr;

int rec_exchange(wgm_ctx* ctx, const sockaddr* to, socklen_t to_len, uint32_t flags,
                 uint32_t timeout_ms, const char* label, wgm_exchange_cb cb, void* user) {
  if (auto it = recorders().find(ctx); it != recorders().end() && to)
    it->second->exchanges.push_back({wgmesh::test::format_address(to), flags, timeout_ms,
                                     label ? label : "", fake_api->monotonic_ms(ctx)});
  return fake_api->control_exchange(ctx, to, to_len, flags, timeout_ms, label, cb, user);
}

wgm_timer* rec_timer_start(wgm_ctx* ctx, uint64_t first, uint64_t repeat, wgm_timer_cb cb,
                           void* user) {
  if (auto it = recorders().find(ctx); it != recorders().end()) ++it->second->timer_starts;
  return fake_api->timer_start(ctx, first, repeat, cb, user);
}

int rec_work(wgm_ctx* ctx, wgm_work_fn work, wgm_work_done_fn done, void* user) {
  if (auto it = recorders().find(ctx); it != recorders().end()) ++it->second->work_jobs;
  return fake_api->work_submit(ctx, work, done, user);
}

}  // namespace

std::string dht_config(const std::vector<std::string>& bootstrap, const std::string& extra) {
  std::string json = "{\"bootstrap\": [";
  for (size_t i = 0; i < bootstrap.size(); ++i) json += (i ? ",\"" : "\"") + bootstrap[i] + "\"";
  json += "]";
  if (!extra.empty()) json += "," + extra;
  return json + "}";
}

DhtUnderTest::DhtUnderTest(wgmesh::test::FakeHost& host, std::string config_json)
    : host_(host), config_(std::move(config_json)) {
  lib_ = ::dlopen(DHT_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  if (!lib_) throw std::runtime_error(std::string("dlopen: ") + ::dlerror());
  auto entry = reinterpret_cast<wgm_plugin_entry_fn>(::dlsym(lib_, WGMESH_PLUGIN_ENTRY_SYMBOL));
  if (!entry) throw std::runtime_error("no entry symbol");
  desc_ = entry();
  fake_api = host.api();
  table_ = *host.api();
  table_.control_exchange = &rec_exchange;
  table_.timer_start = &rec_timer_start;
  table_.work_submit = &rec_work;
  ctx_ = host.add_context("dht", config_);
  host.set_descriptor(ctx_, desc_);
  recorders()[ctx_] = this;
}

DhtUnderTest::~DhtUnderTest() {
  destroy();
  recorders().erase(ctx_);
  host_.release_context(ctx_);
  if (lib_) ::dlclose(lib_);
}

int DhtUnderTest::create() { return desc_->create(&table_, ctx_, &instance_); }

int DhtUnderTest::start() {
  int rc = desc_->start(instance_);
  started_ = rc == WGM_OK;
  return rc;
}

void DhtUnderTest::stop() {
  if (started_) desc_->stop(instance_);
  started_ = false;
}

void DhtUnderTest::destroy() {
  stop();
  if (instance_) desc_->destroy(instance_);
  instance_ = nullptr;
}

rapidjson::Document DhtUnderTest::stats() {
  std::string out;
  bool error = true;
  host_.rpc("dht.stats", "{}", [&](bool is_error, const std::string& json) {
    error = is_error;
    out = json;
  });
  rapidjson::Document d;
  d.Parse(out.c_str());
  if (error || d.HasParseError() || !d.IsObject())
    throw std::runtime_error("dht.stats failed: " + out);
  return d;
}

uint64_t DhtUnderTest::stat(const char* key) {
  auto d = stats();
  auto it = d.FindMember(key);
  if (it == d.MemberEnd() || !it->value.IsUint64())
    throw std::runtime_error(std::string("dht.stats has no number ") + key);
  return it->value.GetUint64();
}

void DhtUnderTest::lookup(const std::string& hex,
                          std::function<void(bool is_error, const std::string& json)> done) {
  host_.rpc("dht.lookup", "{\"info_hash\":\"" + hex + "\"}", std::move(done));
}

}  // namespace wgmesh::dht::plugin::test
