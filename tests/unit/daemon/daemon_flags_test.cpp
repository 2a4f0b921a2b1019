// wgmeshd's flags: every option in both spellings, values, and the errors an admin sees.
#include "daemon/daemon_flags.h"

#include <gtest/gtest.h>

#include <vector>

using namespace wgmesh;

namespace {

Result<DaemonFlags> parse(std::vector<std::string> args) {
  args.insert(args.begin(), "wgmeshd");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return parse_daemon_flags(static_cast<int>(args.size()), argv.data(), "/etc/default.toml");
}

}  // namespace

TEST(DaemonFlags, DefaultsWithoutArguments) {
  auto f = parse({});
  ASSERT_TRUE(f.ok()) << f.message();
  EXPECT_EQ(f->config_path, "/etc/default.toml");
  EXPECT_FALSE(f->check_config);
  EXPECT_FALSE(f->help);
  EXPECT_FALSE(f->version);
  EXPECT_FALSE(f->log_level || f->plugin_dir || f->state_dir || f->interface || f->backend ||
               f->listen_port);
}

TEST(DaemonFlags, EveryOptionInEverySpelling) {
  auto f = parse({"--config", "/a.toml", "--check-config", "--log-level=debug", "--plugin-dir",
                  "/p", "--state-dir=/s", "--interface", "wgx", "--listen-port", "51999",
                  "--backend=userspace"});
  ASSERT_TRUE(f.ok()) << f.message();
  EXPECT_EQ(f->config_path, "/a.toml");
  EXPECT_TRUE(f->check_config);
  EXPECT_EQ(f->log_level.value(), "debug");
  EXPECT_EQ(f->plugin_dir.value(), "/p");
  EXPECT_EQ(f->state_dir.value(), "/s");
  EXPECT_EQ(f->interface.value(), "wgx");
  EXPECT_EQ(f->listen_port.value(), 51999);
  EXPECT_EQ(f->backend.value(), "userspace");

  auto s = parse({"-c", "/b.toml", "-v"});
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s->config_path, "/b.toml");
  EXPECT_TRUE(s->version);
  auto eq = parse({"--config=/c.toml", "-h"});
  ASSERT_TRUE(eq.ok()) << eq.message();
  EXPECT_EQ(eq->config_path, "/c.toml");
  EXPECT_TRUE(eq->help);
}

TEST(DaemonFlags, ErrorsNameTheOffendingFlag) {
  auto unknown = parse({"--colour"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.message(), "unknown option --colour (see --help)");
  auto short_unknown = parse({"-x"});
  ASSERT_FALSE(short_unknown.ok());
  EXPECT_EQ(short_unknown.message(), "unknown option -x (see --help)");
  auto missing = parse({"--config"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.message(), "option --config needs a value");
  auto port = parse({"--listen-port", "51x"});
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.message(), "--listen-port: '51x' is not a number");
  auto stray = parse({"extra"});
  ASSERT_FALSE(stray.ok());
  EXPECT_EQ(stray.message(), "unexpected argument 'extra'");
  // A second parse after errors starts clean (getopt keeps global state).
  auto again = parse({"--interface", "wg1"});
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(again->interface.value(), "wg1");
}

TEST(DaemonFlags, HelpListsEveryOption) {
  std::string help = daemon_flags_help();
  for (const char* opt :
       {"--config", "--check-config", "--log-level", "--plugin-dir", "--state-dir", "--interface",
        "--listen-port", "--backend", "--version", "--help"})
    EXPECT_NE(help.find(opt), std::string::npos) << opt;
}
