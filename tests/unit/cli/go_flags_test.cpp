#include <gtest/gtest.h>

#include "go_flags.h"

using namespace wgmesh::cli;

TEST(GoFlags, DashFormsAndValues) {
  std::string s;
  bool b = false;
  int64_t n = 0;
  GoFlagSet f("t");
  f.add_string("secret", &s, "");
  f.add_bool("json", &b, "");
  f.add_int("port", &n, "");
  ASSERT_EQ(f.parse({"-secret", "abc", "--json", "--port=0x10", "rest", "-json"}), GoFlagSet::Outcome::Ok);
  EXPECT_EQ(s, "abc");
  EXPECT_TRUE(b);
  EXPECT_EQ(n, 16);
  EXPECT_EQ(f.positional(), (std::vector<std::string>{"rest", "-json"})) << "parsing stops at a positional";
  ASSERT_EQ(f.parse({"--secret=x=y", "--json=false"}), GoFlagSet::Outcome::Ok);
  EXPECT_EQ(s, "x=y");
  EXPECT_FALSE(b);
  ASSERT_EQ(f.parse({"--", "-secret"}), GoFlagSet::Outcome::Ok);
  EXPECT_EQ(f.positional(), (std::vector<std::string>{"-secret"}));
}

TEST(GoFlags, Errors) {
  std::string s;
  bool b = false;
  int64_t n = 0;
  GoFlagSet f("t");
  f.add_string("secret", &s, "");
  f.add_bool("json", &b, "");
  f.add_int("port", &n, "");
  EXPECT_EQ(f.parse({"-nope"}), GoFlagSet::Outcome::Error);
  EXPECT_EQ(f.message().rfind("flag provided but not defined: -nope\n", 0), 0u);
  EXPECT_EQ(f.parse({"-secret"}), GoFlagSet::Outcome::Error);
  EXPECT_EQ(f.parse({"-json=maybe"}), GoFlagSet::Outcome::Error);
  EXPECT_EQ(f.parse({"-port", "12x"}), GoFlagSet::Outcome::Error);
  EXPECT_EQ(f.message().rfind("invalid value \"12x\" for flag -port", 0), 0u);
  EXPECT_EQ(f.parse({"---x"}), GoFlagSet::Outcome::Error);
  EXPECT_EQ(f.parse({"-h"}), GoFlagSet::Outcome::Help);
  EXPECT_EQ(f.parse({"--help"}), GoFlagSet::Outcome::Help);
}

TEST(GoFlags, GoIntegerSyntax) {
  int64_t v = 0;
  EXPECT_TRUE(parse_go_int("51820", v));
  EXPECT_EQ(v, 51820);
  EXPECT_TRUE(parse_go_int("0o17", v));
  EXPECT_EQ(v, 15);
  EXPECT_TRUE(parse_go_int("017", v));
  EXPECT_EQ(v, 15);
  EXPECT_TRUE(parse_go_int("0b101", v));
  EXPECT_EQ(v, 5);
  EXPECT_TRUE(parse_go_int("0x_ff", v));
  EXPECT_EQ(v, 255);
  EXPECT_TRUE(parse_go_int("-9223372036854775808", v));
  EXPECT_FALSE(parse_go_int("9223372036854775808", v));
  EXPECT_FALSE(parse_go_int("1_000", v));
  EXPECT_FALSE(parse_go_int("08", v));
  EXPECT_FALSE(parse_go_int("", v));
  bool b = false;
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) EXPECT_TRUE(parse_go_bool(t, b) && b) << t;
  for (const char* t : {"0", "f", "F", "FALSE", "false", "False"}) EXPECT_TRUE(parse_go_bool(t, b) && !b) << t;
  EXPECT_FALSE(parse_go_bool("yes", b));
}
