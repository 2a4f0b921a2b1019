// The unit and secret.env that install-service writes (daemon.md §11 with its Improvements).
#include "service_unit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "test_support.h"

using namespace wgmesh::cli;

namespace {

ServicePaths default_paths() { return ServicePaths{}; }

std::string exec_start(const std::string& unit) {
  auto at = unit.find("\nExecStart=");
  if (at == std::string::npos) return "";
  at += 11;
  return unit.substr(at, unit.find('\n', at) - at);
}

}  // namespace

TEST(ServiceUnit, DefaultUnitText) {
  ServiceOptions o;
  o.binary = "/usr/local/bin/wgmesh";
  auto unit = render_service_unit(o, default_paths(), "/var/lib/wgmesh");
  ASSERT_TRUE(unit.ok()) << unit.message();
  EXPECT_EQ(
      *unit,
      "[Unit]\n"
      "Description=WireGuard Mesh Network (wgmesh)\n"
      "After=network-online.target\n"
      "Wants=network-online.target\n"
      "\n"
      "[Service]\n"
      "Type=simple\n"
      "# The secret reaches the daemon only through its environment: systemd reads this file\n"
      "# and `wgmesh join` takes WGMESH_SECRET from there, so it never shows in argv or ps.\n"
      "EnvironmentFile=/etc/wgmesh/secret.env\n"
      "ExecStart=/usr/local/bin/wgmesh join\n"
      "Restart=always\n"
      "RestartSec=5\n"
      "LimitNOFILE=65535\n"
      "RuntimeDirectory=wgmesh\n"
      "\n"
      "# Security hardening\n"
      "NoNewPrivileges=yes\n"
      "ProtectSystem=full\n"
      "ProtectHome=true\n"
      "ReadWritePaths=/var/lib/wgmesh\n"
      "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW\n"
      "AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW\n"
      "\n"
      "[Install]\n"
      "WantedBy=multi-user.target\n");
  // The defects the Improvements remove.
  EXPECT_EQ(unit->find("--secret"), std::string::npos);
  EXPECT_EQ(unit->find("WGMESH_SECRET}"), std::string::npos);
  EXPECT_EQ(unit->find("sh -c"), std::string::npos);
}

TEST(ServiceUnit, JoinArgumentsInTheOriginalsOrder) {
  ServiceOptions o;
  EXPECT_EQ(join_arguments(o), std::vector<std::string>{"join"});
  o.interface = "wg0";
  o.listen_port = 0;
  o.state_dir = "/var/lib/wgmesh";
  EXPECT_EQ(join_arguments(o), std::vector<std::string>{"join"}) << "defaults are not passed";
  o.interface = "mesh1";
  o.listen_port = 51999;
  o.advertise_routes = {"10.1.0.0/16", "192.168.0.0/24"};
  o.privacy = o.gossip = o.no_lan_discovery = o.no_ipv6 = o.force_relay = o.no_punching =
      o.introducer = true;
  o.mesh_subnet = "100.96.0.0/16";
  o.state_dir = "/srv/wgmesh";
  EXPECT_EQ(join_arguments(o),
            (std::vector<std::string>{
                "join", "--interface", "mesh1", "--listen-port", "51999", "--advertise-routes",
                "10.1.0.0/16,192.168.0.0/24", "--privacy", "--gossip", "--no-lan-discovery",
                "--no-ipv6", "--force-relay", "--no-punching", "--introducer", "--mesh-subnet",
                "100.96.0.0/16", "--state-dir", "/srv/wgmesh"}));
}

TEST(ServiceUnit, ExecWordsAreQuotedForSystemdNotForAShell) {
  EXPECT_EQ(*systemd_exec_word("/usr/bin/wgmesh"), "/usr/bin/wgmesh");
  EXPECT_EQ(*systemd_exec_word("10.0.0.0/8,fd00::/8"), "10.0.0.0/8,fd00::/8");
  EXPECT_EQ(*systemd_exec_word("/opt/my apps/wgmesh"), "\"/opt/my apps/wgmesh\"");
  EXPECT_EQ(*systemd_exec_word("a\"b\\c"), "\"a\\\"b\\\\c\"");
  // systemd would expand specifiers and variables even inside quotes.
  EXPECT_EQ(*systemd_exec_word("/x/%h/$HOME"), "\"/x/%%h/$$HOME\"");
  EXPECT_EQ(*systemd_exec_word("it's"), "\"it's\"");
  EXPECT_EQ(*systemd_exec_word(""), "\"\"");
  EXPECT_FALSE(systemd_exec_word("a\nb").ok());
  EXPECT_FALSE(systemd_exec_word("a\tb").ok());

  ServiceOptions o;
  o.binary = "/opt/wg mesh/bin/wgmesh";
  o.interface = "wg-1";
  auto unit = render_service_unit(o, default_paths(), "/var/lib/wgmesh");
  ASSERT_TRUE(unit.ok());
  EXPECT_EQ(exec_start(*unit), "\"/opt/wg mesh/bin/wgmesh\" join --interface wg-1");
}

TEST(ServiceUnit, PathsFollowTheOverrides) {
  ServicePaths p;
  p.etc_dir = "/tmp/x/etc";
  ServiceOptions o;
  o.binary = "/bin/wgmesh";
  auto unit = render_service_unit(o, p, "/tmp/x/state%1");
  ASSERT_TRUE(unit.ok());
  EXPECT_NE(unit->find("\nEnvironmentFile=/tmp/x/etc/secret.env\n"), std::string::npos);
  EXPECT_NE(unit->find("\nReadWritePaths=/tmp/x/state%%1\n"), std::string::npos);
  EXPECT_FALSE(render_service_unit(o, p, "/tmp/with space").ok());
  EXPECT_FALSE(render_service_unit(o, p, "relative").ok());
  o.binary = "wgmesh";
  auto no_path = render_service_unit(o, p, "/tmp/x");
  ASSERT_FALSE(no_path.ok());
  EXPECT_EQ(no_path.message(), "could not determine wgmesh binary path");
}

TEST(ServiceUnit, SecretEnvEscapesBackslashAndQuote) {
  EXPECT_EQ(*render_secret_env("wgmesh://v1/abc"), "WGMESH_SECRET=\"wgmesh://v1/abc\"\n");
  EXPECT_EQ(*render_secret_env(R"(a\b"c)"), "WGMESH_SECRET=\"a\\\\b\\\"c\"\n");
  EXPECT_FALSE(render_secret_env("line\nbreak").ok());
  EXPECT_FALSE(render_secret_env("cr\rhere").ok());
}

// The file must give back the exact secret to a reader with systemd's EnvironmentFile rules;
// inside double quotes they unescape \\ and \" exactly as a POSIX shell does, so sh is the
// reader here (systemd itself cannot run in the test environment).
TEST(ServiceUnit, SecretEnvRoundTripsThroughAShell) {
  wgmesh::test::TempDir dir;
  for (std::string secret : {std::string("wgmesh://v1/K7x2-_abcdefghijklmnopqrstuvwxyz0123456"),
                             std::string(R"(back\slash "quoted" \" \\ end\)"),
                             std::string("spaces  and\ttabs and 'single' ünïcode")}) {
    auto env = render_secret_env(secret);
    ASSERT_TRUE(env.ok());
    std::string path = dir.file("secret.env");
    std::ofstream(path) << *env;
    auto r = wgmesh::test::run_process(
        {"/bin/sh", "-c", ". \"$1\"; printf '%s' \"$WGMESH_SECRET\"", "sh", path});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, secret);
  }
}
