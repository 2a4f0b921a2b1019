// [plugins.dht] parsing and validation, and the "host:port" bootstrap entries.
#include "logic/dht_config.h"

#include <gtest/gtest.h>

#include "logic/host_port.h"

namespace wgmesh::dht::plugin {
namespace {

DhtPluginConfig parse_ok(const std::string& json) {
  DhtPluginConfig c;
  std::string error;
  EXPECT_TRUE(parse_dht_config(json, c, error)) << json << ": " << error;
  return c;
}

std::string parse_error(const std::string& json) {
  DhtPluginConfig c;
  std::string error;
  EXPECT_FALSE(parse_dht_config(json, c, error)) << json;
  return error;
}

TEST(DhtConfig, DefaultsAreTheOriginalsRoutersAndIntervals) {
  DhtPluginConfig c = parse_ok("{}");
  ASSERT_EQ(c.bootstrap.size(), 3u);
  // The defaults are the plugin's list of the original's routers (parsed, never contacted).
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(c.bootstrap[i].to_string(), kDefaultBootstrap[i]);
  EXPECT_EQ(std::string(kDefaultBootstrap[0]).substr(std::string(kDefaultBootstrap[0]).size() - 5), ":6881");
  EXPECT_TRUE(c.bootstrap_is_default);
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.bind, "");
  EXPECT_EQ(c.query_interval_ms, 30000u);
  EXPECT_EQ(c.announce_interval_ms, 15u * 60 * 1000);
  EXPECT_EQ(c.max_exchanges_per_minute, 60u);
}

TEST(DhtConfig, ExplicitListsReplaceTheDefaultsEmptyMeansNone) {
  DhtPluginConfig c = parse_ok(R"({"bootstrap": []})");
  EXPECT_TRUE(c.bootstrap.empty());
  EXPECT_FALSE(c.bootstrap_is_default);
  c = parse_ok(R"({"bootstrap": ["127.0.0.1:6881", "[::1]:6882", "localhost:7000"]})");
  ASSERT_EQ(c.bootstrap.size(), 3u);
  ASSERT_TRUE(c.bootstrap[0].numeric);
  EXPECT_EQ(c.bootstrap[0].numeric->to_string(), "127.0.0.1:6881");
  ASSERT_TRUE(c.bootstrap[1].numeric);
  EXPECT_TRUE(c.bootstrap[1].numeric->is_v6());
  EXPECT_FALSE(c.bootstrap[2].numeric);
  EXPECT_EQ(c.bootstrap[2].host, "localhost");
}

TEST(DhtConfig, AllKeys) {
  DhtPluginConfig c = parse_ok(
      R"({"bootstrap":["10.0.0.1:1"],"port":40000,"bind":"127.0.0.1","query_interval_ms":1000,)"
      R"("announce_interval_ms":60000,"max_exchanges_per_minute":10})");
  EXPECT_EQ(c.port, 40000);
  EXPECT_EQ(c.bind, "127.0.0.1");
  EXPECT_EQ(c.query_interval_ms, 1000u);
  EXPECT_EQ(c.announce_interval_ms, 60000u);
  EXPECT_EQ(c.max_exchanges_per_minute, 10u);
  EXPECT_EQ(parse_ok(R"({"bind":"::1"})").bind, "::1");
}

TEST(DhtConfig, BadValuesNameTheKey) {
  EXPECT_NE(parse_error(R"({"colour": 1})").find("plugins.dht.colour is not a known key"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"bootstrap": "a:1"})").find("plugins.dht.bootstrap must be an array"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"bootstrap": [1]})").find("\"host:port\" strings"), std::string::npos);
  EXPECT_NE(parse_error(R"({"bootstrap": ["a:1","a:1"]})").find("twice"), std::string::npos);
  EXPECT_NE(parse_error(R"({"bootstrap": ["nohost"]})").find("expected \"host:port\""),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"port": 70000})").find("plugins.dht.port"), std::string::npos);
  EXPECT_NE(parse_error(R"({"port": -1})").find("(got -1)"), std::string::npos);
  EXPECT_NE(parse_error(R"({"bind": "eth0"})").find("plugins.dht.bind"), std::string::npos);
  EXPECT_NE(parse_error(R"({"query_interval_ms": 10})").find("between 200 and"), std::string::npos);
  EXPECT_NE(parse_error(R"({"query_interval_ms": 1.5})").find("floating-point"), std::string::npos);
  // Longer than 15 min would let Go nodes' stored announcements expire.
  EXPECT_NE(parse_error(R"({"announce_interval_ms": 3600000})").find("announce_interval_ms"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"max_exchanges_per_minute": 0})").find("max_exchanges_per_minute"),
            std::string::npos);
  EXPECT_NE(parse_error("[]").find("not a table"), std::string::npos);
  EXPECT_NE(parse_error("{").find("not a table"), std::string::npos);
}

TEST(DhtConfig, ErrorLinesStayPrintable) {
  std::string e = parse_error("{\"bo\\u0001otstrap\": 1}");
  for (char c : e) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << e;
  e = parse_error(R"({"bootstrap": ["\u0007evil\nname:1"]})");
  for (char c : e) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << e;
}

TEST(DhtConfig, TooManyBootstrapEntries) {
  std::string json = R"({"bootstrap": [)";
  for (int i = 0; i < 65; ++i) json += (i ? "," : "") + ("\"10.0.0." + std::to_string(i) + ":1\"");
  json += "]}";
  EXPECT_NE(parse_error(json).find("at most 64"), std::string::npos);
}

TEST(HostPort, AcceptsNumericAndNames) {
  std::string e;
  auto a = parse_host_port("dht-router.example.test:6881", e);  // a name: parsed, never resolved here
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->numeric);
  EXPECT_EQ(a->port, 6881);
  auto b = parse_host_port("[2001:db8::1]:6881", e);
  ASSERT_TRUE(b);
  ASSERT_TRUE(b->numeric);
  EXPECT_EQ(b->to_string(), "[2001:db8::1]:6881");
  auto c = parse_host_port("dht.example.:1", e);  // absolute name
  ASSERT_TRUE(c);
}

TEST(HostPort, RefusesJunk) {
  for (const char* bad :
       {"", ":1", "a:", "a:0", "a:65536", "a:1x", "a b:1", "-a:1", "a-.b:1", "a..b:1",
        "2001:db8::1:6881", "[::1]6881", "[::1]:", "http://a:1", "a/b:1", "0.0.0.0:1", "[::]:1"}) {
    std::string e;
    EXPECT_FALSE(parse_host_port(bad, e)) << bad;
    EXPECT_FALSE(e.empty()) << bad;
  }
  std::string e;
  EXPECT_FALSE(parse_host_port(std::string(64, 'a') + ".com:1", e));  // label > 63
  EXPECT_FALSE(parse_host_port(std::string(254, 'a') + ":1", e));
}

}  // namespace
}  // namespace wgmesh::dht::plugin
