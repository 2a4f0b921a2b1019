#include "runtime/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

using namespace wgmesh;

TEST(Config, EmptyFileGivesDefaults) {
  auto c = parse_config("", "t.toml");
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->node.interface, "wg0");
  EXPECT_EQ(c->node.listen_port, 51820);
  EXPECT_EQ(c->node.state_dir, "/var/lib/wgmesh");
  EXPECT_EQ(c->node.backend, BackendChoice::Auto);
  EXPECT_TRUE(c->plugins.enable.empty());
}

TEST(Config, FullNodeTableParses) {
  auto c = parse_config(R"(
[node]
secret_file = "/etc/wgmesh/secret"
interface = "wgmesh0"
listen_port = 51900
state_dir = "/tmp/x"
log_level = "DEBUG"
backend = "userspace"
advertise_routes = ["192.168.10.0/24"]
introducer = true
no_ipv6 = true
[plugins]
dir = "/opt/plugins"
enable = ["lan-multicast", "rpc"]
[plugins.rpc]
socket_path = "/run/wgmesh.sock"
)",
                        "t.toml");
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->node.interface, "wgmesh0");
  EXPECT_EQ(c->node.listen_port, 51900);
  EXPECT_EQ(c->node.log_level, LogLevel::Debug);
  EXPECT_EQ(c->node.backend, BackendChoice::Userspace);
  EXPECT_TRUE(c->node.introducer);
  EXPECT_TRUE(c->node.no_ipv6);
  ASSERT_EQ(c->node.advertise_routes.size(), 1u);
  EXPECT_EQ(c->plugins.enable, (std::vector<std::string>{"lan-multicast", "rpc"}));
  ASSERT_TRUE(c->plugins.tables.count("rpc"));
  EXPECT_EQ(c->plugins.tables["rpc"].json, R"({"socket_path":"/run/wgmesh.sock"})");
  EXPECT_EQ(c->plugins.tables["rpc"].key_lines["socket_path"], 16);
}

// Plugin tables reach plugins as JSON; TOML dates and times have no JSON type and are handed
// over as their TOML text (RFC 3339), with a trailing-zero-free fraction and the offset.
// (toml++ tables iterate in key order.)
TEST(Config, PluginTableDatesAndTimesBecomeTheirText) {
  auto c = parse_config(R"(
[plugins.x]
day = 1979-05-27
at = 07:32:00
precise = 00:32:00.999000
local = 1979-05-27T07:32:00
utc = 1979-05-27T07:32:00Z
east = 1979-05-27T00:32:00.5+05:30
west = 1979-05-27T00:32:00-07:00
n = [1, 2.5, true]
)",
                        "t.toml");
  ASSERT_TRUE(c.ok()) << c.message();
  ASSERT_TRUE(c->plugins.tables.count("x"));
  EXPECT_EQ(c->plugins.tables["x"].json,
            R"({"at":"07:32:00","day":"1979-05-27","east":"1979-05-27T00:32:00.5+05:30",)"
            R"("local":"1979-05-27T07:32:00","n":[1,2.5,true],"precise":"00:32:00.999",)"
            R"("utc":"1979-05-27T07:32:00Z","west":"1979-05-27T00:32:00-07:00"})");
}

TEST(Config, UnknownKeyNamesFileLineAndKey) {
  auto c = parse_config("[node]\ninterface = \"wg0\"\nlisten_prot = 1\n", "wgmesh.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.message(), "wgmesh.toml:3: unknown key 'node.listen_prot'");
}

TEST(Config, WrongTypeNamesFileLineAndKey) {
  auto c = parse_config("[node]\n\nlisten_port = \"51820\"\n", "wgmesh.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.message(), "wgmesh.toml:3: key 'listen_port' must be an integer");
  c = parse_config("[node]\nlisten_port = 70000\n", "f");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.message().find("must be a port"), std::string::npos);
  c = parse_config("[node]\nno_ipv6 = \"yes\"\n", "f");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.message(), "f:2: key 'no_ipv6' must be true or false");
}

TEST(Config, UnknownTopLevelTableAndBadValues) {
  EXPECT_FALSE(parse_config("[nodes]\n", "f").ok());
  EXPECT_FALSE(parse_config("[node]\nbackend = \"magic\"\n", "f").ok());
  EXPECT_FALSE(parse_config("[node]\nlog_level = \"loud\"\n", "f").ok());
  EXPECT_FALSE(parse_config("[node]\ninterface = \"1bad\"\n", "f").ok());
  EXPECT_FALSE(parse_config("[node]\ninterface = \"much-too-long-name\"\n", "f").ok());
  EXPECT_FALSE(parse_config("[plugins]\nenable = [\"a\", \"a\"]\n", "f").ok());
  EXPECT_FALSE(parse_config("[plugins]\nenable = \"a\"\n", "f").ok());
}

TEST(Config, SyntaxErrorHasLine) {
  auto c = parse_config("[node]\ninterface = \n", "bad.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.message().rfind("bad.toml:2:", 0), 0u) << c.message();
}

TEST(Config, MissingFileIsAnError) {
  auto c = load_config_file("/nonexistent/wgmesh.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.message().find("/nonexistent/wgmesh.toml"), std::string::npos);
}

TEST(Config, SecretResolutionOrder) {
  unsetenv("WGMESH_SECRET");
  unsetenv("WGMESH_SECRET_FILE");
  NodeConfig node;
  auto s = resolve_secret_text(node);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "");
  std::string path = ::testing::TempDir() + "/secret-" + std::to_string(getpid());
  std::ofstream(path) << "  wgmesh://v1/from-file-secret-0123\n";
  node.secret_file = path;
  EXPECT_EQ(*resolve_secret_text(node), "wgmesh://v1/from-file-secret-0123");
  node.secret = "inline-secret-0123456789";
  EXPECT_EQ(*resolve_secret_text(node), "inline-secret-0123456789");
  setenv("WGMESH_SECRET_FILE", path.c_str(), 1);
  EXPECT_EQ(*resolve_secret_text(node), "wgmesh://v1/from-file-secret-0123");
  setenv("WGMESH_SECRET", "env-secret-0123456789", 1);
  EXPECT_EQ(*resolve_secret_text(node), "env-secret-0123456789");
  unsetenv("WGMESH_SECRET");
  setenv("WGMESH_SECRET_FILE", "/nonexistent/secret", 1);
  EXPECT_FALSE(resolve_secret_text(node).ok());
  unsetenv("WGMESH_SECRET_FILE");
  std::remove(path.c_str());
}

TEST(Config, ShippedExampleParses) {
  auto c = load_config_file(WGMESH_EXAMPLE_CONFIG);
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->node.interface, "wg0");
  EXPECT_EQ(c->plugins.enable, (std::vector<std::string>{"lan-multicast", "dht", "rpc"}));
}
