#include <gtest/gtest.h>

#include "runtime/rpc_registry.h"

using namespace wgmesh;

TEST(RpcRegistry, ListsMethodsAndDispatches) {
  RpcRegistry reg;
  ASSERT_TRUE(reg.add("peers.count", "host", "count", [](auto r, const std::string&) { r->reply("3"); }).ok());
  EXPECT_FALSE(reg.add("peers.count", "x", "dup", [](auto r, const std::string&) { r->reply("0"); }).ok());
  std::string out;
  bool err = true;
  reg.dispatch("peers.count", "{}", [&](bool e, const std::string& j) { err = e; out = j; });
  EXPECT_FALSE(err);
  EXPECT_EQ(out, "3");
  reg.dispatch("rpc.list", "", [&](bool e, const std::string& j) { err = e; out = j; });
  EXPECT_FALSE(err);
  EXPECT_NE(out.find("\"method\":\"peers.count\""), std::string::npos);
  EXPECT_NE(out.find("\"method\":\"rpc.list\""), std::string::npos);
  reg.dispatch("nope", "", [&](bool e, const std::string& j) { err = e; out = j; });
  EXPECT_TRUE(err);
  EXPECT_EQ(out, R"({"code":-32601,"message":"method not found: nope"})");
}

TEST(RpcRegistry, ResponderAnswersOnce) {
  int calls = 0;
  RpcResponder r([&](bool, const std::string&) { ++calls; });
  EXPECT_TRUE(r.reply("1"));
  EXPECT_FALSE(r.reply("2"));
  EXPECT_FALSE(r.error(1, "x"));
  EXPECT_EQ(calls, 1);
}

TEST(RpcRegistry, RemoveOwnerDropsItsMethods) {
  RpcRegistry reg;
  ASSERT_TRUE(reg.add("a.x", "a", "", [](auto r, const std::string&) { r->reply("1"); }).ok());
  ASSERT_TRUE(reg.add("b.x", "b", "", [](auto r, const std::string&) { r->reply("1"); }).ok());
  reg.remove_owner("a");
  EXPECT_EQ(reg.methods().count("a.x"), 0u);
  EXPECT_EQ(reg.methods().count("b.x"), 1u);
}
