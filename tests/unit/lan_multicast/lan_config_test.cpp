// Validation of [plugins.lan-multicast]: defaults, accepted values, one clear line per error.
#include "core/lan_config.h"

#include <gtest/gtest.h>

#include <string>

using namespace wgmesh::lan;

namespace {

std::string error_for(const std::string& json) {
  LanConfig cfg;
  std::string error;
  EXPECT_FALSE(parse_lan_config(json, cfg, error)) << json;
  EXPECT_EQ(error.find('\n'), std::string::npos) << "one line";
  return error;
}

}  // namespace

TEST(LanConfig, DefaultsForAnEmptyTable) {
  LanConfig cfg;
  std::string error;
  ASSERT_TRUE(parse_lan_config("{}", cfg, error)) << error;
  EXPECT_TRUE(cfg.interfaces.empty());
  EXPECT_EQ(cfg.min_interval_ms, 1000u);
  EXPECT_EQ(cfg.max_interval_ms, 30000u);
  EXPECT_EQ(cfg.compat_fixed_interval_ms, 0u);
}

TEST(LanConfig, AllKeys) {
  LanConfig cfg;
  std::string error;
  ASSERT_TRUE(parse_lan_config(
      R"({"interfaces":["eth0","br-lan"],"min_interval_ms":500,"max_interval_ms":60000,)"
      R"("compat_fixed_interval_ms":5000})",
      cfg, error))
      << error;
  EXPECT_EQ(cfg.interfaces, (std::vector<std::string>{"eth0", "br-lan"}));
  EXPECT_EQ(cfg.min_interval_ms, 500u);
  EXPECT_EQ(cfg.max_interval_ms, 60000u);
  EXPECT_EQ(cfg.compat_fixed_interval_ms, 5000u);
}

TEST(LanConfig, CompatZeroMeansAdaptive) {
  LanConfig cfg;
  std::string error;
  ASSERT_TRUE(parse_lan_config(R"({"compat_fixed_interval_ms":0})", cfg, error)) << error;
  EXPECT_EQ(cfg.compat_fixed_interval_ms, 0u);
}

TEST(LanConfig, MinEqualToMaxIsFine) {
  LanConfig cfg;
  std::string error;
  EXPECT_TRUE(parse_lan_config(R"({"min_interval_ms":2000,"max_interval_ms":2000})", cfg, error));
}

TEST(LanConfig, WrongTypesAreNamed) {
  EXPECT_EQ(error_for(R"({"min_interval_ms":"1000"})"),
            "plugins.lan-multicast.min_interval_ms must be an integer number of milliseconds "
            "between 100 and 120000 (got \"1000\")");
  EXPECT_NE(error_for(R"({"max_interval_ms":1.5})").find("got a floating-point number"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"min_interval_ms":true})").find("got true"), std::string::npos);
  EXPECT_NE(error_for(R"({"interfaces":"eth0"})")
                .find("plugins.lan-multicast.interfaces must be an array of interface names"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"interfaces":[1]})").find("invalid interface name (1)"),
            std::string::npos);
}

TEST(LanConfig, OutOfRangeValues) {
  EXPECT_NE(error_for(R"({"min_interval_ms":50})").find("(got 50)"), std::string::npos);
  EXPECT_NE(error_for(R"({"min_interval_ms":-5})").find("(got -5)"), std::string::npos);
  EXPECT_NE(error_for(R"({"max_interval_ms":600000})").find("(got 600000)"), std::string::npos);
  EXPECT_NE(error_for(R"({"compat_fixed_interval_ms":50})").find("0 (off) or between 100"),
            std::string::npos);
  EXPECT_NE(error_for(R"({"min_interval_ms":0})").find("between 100 and 120000"),
            std::string::npos);
}

TEST(LanConfig, MaxBelowMin) {
  EXPECT_EQ(error_for(R"({"min_interval_ms":5000,"max_interval_ms":2000})"),
            "plugins.lan-multicast.max_interval_ms (2000) must not be below min_interval_ms "
            "(5000)");
  EXPECT_EQ(error_for(R"({"max_interval_ms":500})"),
            "plugins.lan-multicast.max_interval_ms (500) must not be below min_interval_ms "
            "(1000, the default)");
}

TEST(LanConfig, BadInterfaceLists) {
  EXPECT_NE(error_for(R"({"interfaces":[]})").find("is empty"), std::string::npos);
  EXPECT_NE(error_for(R"({"interfaces":["eth0","eth0"]})").find("lists \"eth0\" twice"),
            std::string::npos);
  for (const char* bad : {R"([""])", R"(["a-name-that-is-too-long"])", R"(["../x"])",
                          R"(["eth 0"])", R"(["."])", R"(["tab\there"])"}) {
    EXPECT_NE(
        error_for(std::string(R"({"interfaces":)") + bad + "}").find("invalid interface name"),
        std::string::npos)
        << bad;
  }
}

TEST(LanConfig, UnknownKeysAndNonTables) {
  EXPECT_NE(
      error_for(R"({"interval":5})").find("plugins.lan-multicast.interval is not a known key"),
      std::string::npos);
  EXPECT_NE(error_for("[]").find("is not a table"), std::string::npos);
  EXPECT_NE(error_for("").find("is not a table"), std::string::npos);
  EXPECT_NE(error_for("{").find("is not a table"), std::string::npos);
}

TEST(LanConfig, ErrorValuesArePrintableAndShort) {
  std::string err =
      error_for(std::string(R"({"min_interval_ms":")") + std::string(100, 'x') + "\\n\"}");
  EXPECT_LT(err.size(), 200u);
  EXPECT_NE(err.find("...\""), std::string::npos);
  err = error_for(R"({"min_interval_ms":"a\u0001b"})");
  EXPECT_NE(err.find("\"a?b\""), std::string::npos);
  err = error_for(R"({"min_i\nterval_ms":1})");  // found by lan_report_fuzz
  EXPECT_NE(err.find("plugins.lan-multicast.min_i?terval_ms is not a known key"),
            std::string::npos);
}

TEST(LanConfig, KeysListMatchesWhatIsParsed) {
  int n = 0;
  for (const char* const* k = kConfigKeys; *k; ++k) ++n;
  EXPECT_EQ(n, 4);
}
