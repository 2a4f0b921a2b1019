#include <gtest/gtest.h>

#include "runtime/reload_file.h"

using namespace wgmesh;

TEST(ReloadFile, RoutesAndLevel) {
  NodeConfig n;
  n.advertise_routes = {"10.1.0.0/16"};
  ASSERT_TRUE(apply_reload_file("# comment\n\n ADVERTISE-ROUTES = 192.168.1.0/24, ,10.9.0.0/16 \nlog-level=debug\nbogus\nother=1\n", n).ok());
  EXPECT_EQ(n.advertise_routes, (std::vector<std::string>{"192.168.1.0/24", "10.9.0.0/16"}));
  EXPECT_EQ(n.log_level, LogLevel::Debug);
  ASSERT_TRUE(apply_reload_file("advertise-routes=\n", n).ok());
  EXPECT_TRUE(n.advertise_routes.empty()) << "an empty value withdraws every route";
  ASSERT_TRUE(apply_reload_file("log-level=\n", n).ok());
  EXPECT_EQ(n.log_level, LogLevel::Debug) << "an empty level leaves it unchanged";
  EXPECT_FALSE(apply_reload_file("log-level=loud\n", n).ok());
}
