// Loads real .so test plugins through the PluginManager: the good one runs on the loop and
// uses the host table; each bad one is refused with a one-line reason.
#include <gtest/gtest.h>

#include "runtime/event_loop.h"
#include "runtime/plugin_manager.h"

using namespace wgmesh;

namespace {

struct Host {
  EventLoop loop;
  Metrics metrics;
  RpcRegistry rpc;
  ServiceRegistry services;
  HostCore core{loop, metrics, rpc, services, nullptr, ::testing::TempDir(), "{}"};
};

PluginsConfig plugins(std::vector<std::string> enable) {
  PluginsConfig c;
  c.dir = TEST_PLUGIN_DIR;
  c.enable = std::move(enable);
  return c;
}

const PluginStatus* find(const std::vector<PluginStatus>& all, const std::string& name) {
  for (const auto& s : all)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace

TEST(PluginLoader, LoadsStartsAndUsesTheHostTable) {
  Host h;
  PluginManager m(h.core);
  auto cfg = plugins({"probe"});
  cfg.tables["probe"].json = R"({"greeting":"hi"})";
  cfg.tables["probe"].key_lines["greeting"] = 7;
  EXPECT_EQ(m.load(cfg, "t.toml"), 1u);
  EXPECT_EQ(m.start_all(), 1u);
  // The plugin's timer fires on our loop; its RPC method reports the ticks.
  std::string out;
  ASSERT_TRUE(h.loop.run_until(
      [&] {
        h.rpc.dispatch("probe.ticks", "", [&](bool, const std::string& j) { out = j; });
        return out != R"({"ticks":0})" && !out.empty();
      },
      2000));
  EXPECT_EQ(out.rfind("{\"ticks\":", 0), 0u);
  m.stop_all();
  m.unload_all();
  EXPECT_EQ(h.rpc.methods().count("probe.ticks"), 0u) << "methods leave with their plugin";
}

TEST(PluginLoader, DependencyOrderAndMissingDependency) {
  Host h;
  PluginManager m(h.core);
  EXPECT_EQ(m.load(plugins({"probe-dependent", "probe", "probe-orphan"}), "t.toml"), 2u);
  EXPECT_EQ(m.start_all(), 2u);
  auto st = m.status();
  ASSERT_EQ(st.size(), 3u);
  EXPECT_EQ(st[0].name, "probe") << "the provider starts before its dependent";
  EXPECT_EQ(st[1].name, "probe-dependent");
  const PluginStatus* orphan = find(st, "probe-orphan");
  ASSERT_NE(orphan, nullptr);
  EXPECT_EQ(orphan->state, PluginState::Refused);
  EXPECT_EQ(orphan->reason, "missing dependency 'no-such-capability' (no enabled plugin provides it)");
}

TEST(PluginLoader, RefusesWrongMajorNewerMinorMissingSymbolAndMissingFile) {
  Host h;
  PluginManager m(h.core);
  EXPECT_EQ(m.load(plugins({"probe-major2", "probe-newminor", "probe-noentry", "absent"}), "t"), 0u);
  auto st = m.status();
  EXPECT_EQ(find(st, "probe-major2")->reason, "ABI major 2 is not the host's 1");
  EXPECT_EQ(find(st, "probe-newminor")->reason, "built for ABI 1.99, newer than the host's 1.0");
  EXPECT_EQ(find(st, "probe-noentry")->reason, "missing entry symbol wgmesh_plugin_entry");
  EXPECT_EQ(find(st, "absent")->reason.rfind("cannot load: ", 0), 0u);
  for (const auto& s : st) EXPECT_EQ(s.state, PluginState::Refused) << s.name;
}

TEST(PluginLoader, FailedCreateAndUnknownConfigKeyAreRefused) {
  Host h;
  PluginManager m(h.core);
  auto cfg = plugins({"probe-failcreate", "probe"});
  cfg.tables["probe"].json = R"({"colour":"red"})";
  cfg.tables["probe"].key_lines["colour"] = 12;
  EXPECT_EQ(m.load(cfg, "wgmesh.toml"), 0u);
  auto st = m.status();
  EXPECT_EQ(find(st, "probe-failcreate")->reason, "create failed (status -1)");
  EXPECT_EQ(find(st, "probe")->reason, "wgmesh.toml:12: unknown key 'plugins.probe.colour'");
  EXPECT_EQ(h.rpc.methods().count("probe-failcreate.ticks"), 0u);
}

TEST(PluginLoader, InvalidNameIsRefusedWithoutLoading) {
  Host h;
  PluginManager m(h.core);
  EXPECT_EQ(m.load(plugins({"../evil"}), "t"), 0u);
  EXPECT_EQ(m.status()[0].reason, "invalid plugin name '../evil'");
}
