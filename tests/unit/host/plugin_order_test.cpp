#include <gtest/gtest.h>

#include "runtime/plugin_order.h"

using namespace wgmesh;

TEST(PluginOrder, KeepsAdminOrderForIndependentPlugins) {
  auto r = order_plugins({{"rpc", {}, {}}, {"lan", {}, {}}, {"dht", {}, {}}});
  EXPECT_EQ(r.start_order, (std::vector<std::string>{"rpc", "lan", "dht"}));
  EXPECT_TRUE(r.refused.empty());
}

TEST(PluginOrder, DependenciesStartFirst) {
  auto r = order_plugins({{"dandelion", {}, {"gossip"}}, {"gossip", {"gossip.broadcast"}, {}},
                          {"x", {}, {"gossip.broadcast"}}});
  EXPECT_EQ(r.start_order, (std::vector<std::string>{"gossip", "dandelion", "x"}));
}

TEST(PluginOrder, MissingDependencyCascades) {
  auto r = order_plugins({{"a", {}, {"nothing"}}, {"b", {}, {"a"}}, {"c", {}, {}}});
  EXPECT_EQ(r.start_order, (std::vector<std::string>{"c"}));
  ASSERT_EQ(r.refused.size(), 2u);
  EXPECT_EQ(r.refused["a"], "missing dependency 'nothing' (no enabled plugin provides it)");
  EXPECT_EQ(r.refused["b"], "missing dependency 'a' (plugin a was refused)");
}

TEST(PluginOrder, CycleIsRefused) {
  auto r = order_plugins({{"a", {}, {"b"}}, {"b", {}, {"a"}}, {"c", {}, {}}});
  EXPECT_EQ(r.start_order, (std::vector<std::string>{"c"}));
  EXPECT_EQ(r.refused["a"], "dependency cycle");
  EXPECT_EQ(r.refused["b"], "dependency cycle");
}

TEST(PluginOrder, SelfRequirementIsMissing) {
  auto r = order_plugins({{"a", {"cap"}, {"cap"}}});
  EXPECT_TRUE(r.start_order.empty());
  EXPECT_EQ(r.refused.count("a"), 1u);
}
