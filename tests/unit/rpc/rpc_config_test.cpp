#include "core/rpc_config.h"

#include <gtest/gtest.h>

using namespace wgmesh::rpc;

TEST(RpcConfig, DefaultsFromAnEmptyTable) {
  RpcConfig c;
  std::string err;
  ASSERT_TRUE(parse_rpc_config("{}", c, err)) << err;
  EXPECT_EQ(c.socket_path, "");
  EXPECT_EQ(c.group, "");
  EXPECT_EQ(c.max_request_bytes, 65536u);
  EXPECT_EQ(c.idle_timeout_ms, 30000u);
  EXPECT_EQ(c.max_connections, 64u);
}

TEST(RpcConfig, EveryKey) {
  RpcConfig c;
  std::string err;
  ASSERT_TRUE(
      parse_rpc_config(R"({"socket_path":"/run/x.sock","group":"wgmesh","max_request_bytes":1024,
                                   "idle_timeout_ms":0,"max_connections":8})",
                       c, err))
      << err;
  EXPECT_EQ(c.socket_path, "/run/x.sock");
  EXPECT_EQ(c.group, "wgmesh");
  EXPECT_EQ(c.max_request_bytes, 1024u);
  EXPECT_EQ(c.idle_timeout_ms, 0u) << "0 disables the idle timeout";
  EXPECT_EQ(c.max_connections, 8u);
  // Every key the parser reads is declared to the host.
  std::vector<std::string> declared;
  for (const char* const* k = kConfigKeys; *k; ++k) declared.emplace_back(*k);
  EXPECT_EQ(declared, (std::vector<std::string>{"socket_path", "group", "max_request_bytes",
                                                "idle_timeout_ms", "max_connections"}));
}

TEST(RpcConfig, ErrorsNameTheKey) {
  struct Case {
    const char* json;
    const char* error;
  } cases[] = {
      {R"({"socket_path":5})", "socket_path must be a string"},
      {R"({"socket_path":""})", "socket_path must not be empty (omit it for the default)"},
      {R"({"group":true})", "group must be a string"},
      {R"({"max_request_bytes":10})", "max_request_bytes must be an integer in 64..67108864"},
      {R"({"max_request_bytes":1.5})", "max_request_bytes must be an integer in 64..67108864"},
      {R"({"idle_timeout_ms":-1})", "idle_timeout_ms must be an integer in 0..86400000"},
      {R"({"max_connections":0})", "max_connections must be an integer in 1..65536"},
      {R"([1])", "configuration is not a JSON object"},
  };
  for (const auto& c : cases) {
    RpcConfig cfg;
    std::string err;
    EXPECT_FALSE(parse_rpc_config(c.json, cfg, err)) << c.json;
    EXPECT_EQ(err, c.error) << c.json;
  }
}
