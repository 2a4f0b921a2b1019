// install-service / uninstall-service through the built binary, with every path moved into
// a temporary directory and systemctl replaced by a recording stub.
#include <gtest/gtest.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "cli_run.h"

using namespace wgmesh::test;

namespace {

const std::string kSecret = "wgmesh://v1/K7x2abcdefghijklmnopqrstuvwxyz0123456789ABC";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

class InstallService : public ::testing::Test {
 protected:
  void SetUp() override {
    ::mkdir(systemd_.c_str(), 0755);
    // Records each call's arguments, one line per call; fails with 3 when the first
    // argument is $STUB_FAIL.
    std::ofstream(stub_) << "#!/bin/sh\n"
                            "echo \"$*\" >> \"$STUB_LOG\"\n"
                            "[ \"$1\" = \"$STUB_FAIL\" ] && exit 3\n"
                            "exit 0\n";
    ::chmod(stub_.c_str(), 0755);
    char real[PATH_MAX];
    ASSERT_NE(::realpath(WGMESH_BIN, real), nullptr);
    binary_ = real;
  }

  ProcessResult wgmesh(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    ProcessOptions o;
    o.env = {
        {"WGMESH_SYSTEMD_DIR", systemd_}, {"WGMESH_ETC_DIR", etc_}, {"WGMESH_STATE_DIR", state_},
        {"WGMESH_SYSTEMCTL", stub_},      {"STUB_LOG", log_},       {"STUB_FAIL", "none"}};
    for (auto& [k, v] : env) o.env[k] = v;
    return run_wgmesh(std::move(args), o);
  }

  std::string unit() const { return slurp(systemd_ + "/wgmesh.service"); }
  std::string calls() const { return slurp(log_); }

  TempDir dir_;
  std::string systemd_ = dir_.file("systemd");
  std::string etc_ = dir_.file("etc");
  std::string state_ = dir_.file("state");
  std::string stub_ = dir_.file("systemctl-stub");
  std::string log_ = dir_.file("systemctl.log");
  std::string binary_;
};

}  // namespace

TEST_F(InstallService, WritesUnitAndSecretThenEnablesAndRestarts) {
  ProcessResult r = wgmesh({"install-service", "--secret", kSecret});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Installing wgmesh systemd service...\nService installed and started successfully!\n"
            "Check status with: systemctl status wgmesh\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(calls(), "daemon-reload\nenable wgmesh.service\nrestart wgmesh.service\n");
  EXPECT_EQ(
      unit(),
      "[Unit]\nDescription=WireGuard Mesh Network (wgmesh)\nAfter=network-online.target\n"
      "Wants=network-online.target\n\n[Service]\nType=simple\n"
      "# The secret reaches the daemon only through its environment: systemd reads this file\n"
      "# and `wgmesh join` takes WGMESH_SECRET from there, so it never shows in argv or ps.\n"
      "EnvironmentFile=" +
          etc_ +
          "/secret.env\n"
          "ExecStart=" +
          binary_ + " join --state-dir " + state_ +
          "\n"
          "Restart=always\nRestartSec=5\nLimitNOFILE=65535\nRuntimeDirectory=wgmesh\n\n"
          "# Security hardening\nNoNewPrivileges=yes\nProtectSystem=full\nProtectHome=true\n"
          "ReadWritePaths=" +
          state_ +
          "\n"
          "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW\n"
          "AmbientCapabilities=CAP_NET_ADMIN "
          "CAP_NET_RAW\n\n[Install]\nWantedBy=multi-user.target\n");
  EXPECT_EQ(slurp(etc_ + "/secret.env"), "WGMESH_SECRET=\"" + kSecret + "\"\n");
  EXPECT_EQ(mode_of(etc_ + "/secret.env"), 0600u);
  EXPECT_EQ(mode_of(etc_), 0700u);
  EXPECT_EQ(mode_of(state_), 0700u);
  EXPECT_EQ(mode_of(systemd_ + "/wgmesh.service"), 0644u);
  // The secret is only in secret.env: not in the unit, not in any systemctl argument.
  EXPECT_EQ(unit().find("K7x2"), std::string::npos);
  EXPECT_EQ(calls().find("K7x2"), std::string::npos);
  // No temporary files left behind by the atomic writes.
  EXPECT_EQ(run_process({"/bin/sh", "-c", "ls -A \"$1\" \"$2\"", "sh", etc_, systemd_}).out,
            dir_.file("etc") + ":\nsecret.env\n\n" + systemd_ + ":\nwgmesh.service\n");
}

TEST_F(InstallService, FeatureFlagsReachTheCommandLine) {
  std::string tricky = R"(wgmesh://v1/with "quotes" and \backslashes\ 0123456789)";
  ProcessResult r =
      wgmesh({"install-service", "-secret", tricky, "--interface", "mesh0", "--listen-port",
              "51999", "--advertise-routes", " 10.1.0.0/16, ,192.168.7.0/24", "--privacy",
              "--gossip", "--no-lan-discovery", "--no-ipv6", "--force-relay", "--no-punching",
              "--introducer", "--mesh-subnet", "100.96.0.0/16"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(
      unit().find("\nExecStart=" + binary_ +
                  " join --interface mesh0 --listen-port 51999 --advertise-routes "
                  "10.1.0.0/16,192.168.7.0/24 --privacy --gossip --no-lan-discovery --no-ipv6 "
                  "--force-relay --no-punching --introducer --mesh-subnet 100.96.0.0/16 "
                  "--state-dir " +
                  state_ + "\n"),
      std::string::npos)
      << unit();
  EXPECT_EQ(slurp(etc_ + "/secret.env"),
            R"(WGMESH_SECRET="wgmesh://v1/with \"quotes\" and \\backslashes\\ 0123456789")"
            "\n");
  auto back = run_process(
      {"/bin/sh", "-c", ". \"$1\"; printf '%s' \"$WGMESH_SECRET\"", "sh", etc_ + "/secret.env"});
  EXPECT_EQ(back.out, tricky);
  // Defaults stay off the command line; --state-dir given explicitly wins over the override.
  r = wgmesh({"install-service", "--secret", kSecret, "--interface", "wg0", "--listen-port",
              "51820", "--state-dir", dir_.file("other-state")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(unit().find("\nExecStart=" + binary_ + " join --state-dir " + dir_.file("other-state") +
                        "\n"),
            std::string::npos)
      << unit();
  EXPECT_NE(unit().find("\nReadWritePaths=" + dir_.file("other-state") + "\n"), std::string::npos);
  EXPECT_EQ(mode_of(dir_.file("other-state")), 0700u);
  // Re-running replaced the files and restarted again.
  EXPECT_EQ(calls(),
            "daemon-reload\nenable wgmesh.service\nrestart wgmesh.service\n"
            "daemon-reload\nenable wgmesh.service\nrestart wgmesh.service\n");
}

TEST_F(InstallService, SystemdAcceptsTheUnit) {
  if (::access("/usr/bin/systemd-analyze", X_OK) != 0) GTEST_SKIP() << "no systemd-analyze";
  ProcessResult r = wgmesh({"install-service", "--secret", kSecret, "--interface", "mesh0",
                            "--advertise-routes", "10.1.0.0/16"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ProcessResult v =
      run_process({"/usr/bin/systemd-analyze", "verify", systemd_ + "/wgmesh.service"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(v.err.find(systemd_ + "/wgmesh.service:"), std::string::npos) << v.err;
}

TEST_F(InstallService, InvalidOptionsFailBeforeWritingAnything) {
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  std::vector<Case> cases = {
      {{"--secret", "wgmesh://v1/short"}, "invalid secret: secret must be at least 16 characters"},
      {{"--secret", kSecret, "--interface", "bad/name"}, ""},
      {{"--secret", kSecret, "--listen-port", "70000"}, "invalid --listen-port 70000 (1-65535)"},
      {{"--secret", kSecret, "--advertise-routes", "10.0.0.0/8,banana"},
       "invalid --advertise-routes entry \"banana\": invalid CIDR address: banana"},
      {{"--secret", kSecret, "--mesh-subnet", "nope"}, ""},
      {{"--secret", kSecret, "--state-dir", "relative/dir"},
       "--state-dir must be an absolute path: relative/dir"},
      {{"--secret", "two\nlines of secret text"},
       "failed to generate secret file: the secret contains a "
       "line break, which secret.env cannot hold"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"install-service"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    ProcessResult r = wgmesh(args);
    EXPECT_EQ(r.exit_code, 1) << c.args[1];
    EXPECT_EQ(r.out, "Installing wgmesh systemd service...\n");
    EXPECT_EQ(r.err.rfind("Failed to install service: ", 0), 0u) << r.err;
    if (!c.error.empty()) {
      EXPECT_EQ(r.err, "Failed to install service: " + c.error + "\n");
    }
    EXPECT_FALSE(exists(etc_)) << r.err;
    EXPECT_FALSE(exists(systemd_ + "/wgmesh.service"));
    EXPECT_EQ(calls(), "");
  }
}

TEST_F(InstallService, UsageAndFlagErrors) {
  ProcessResult r = wgmesh({"install-service"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "Error: --secret is required\nUsage: wgmesh install-service --secret <SECRET>\n");
  r = wgmesh({"install-service", "--secret", kSecret, "--log-level", "debug"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("flag provided but not defined: -log-level\n", 0), 0u);
  r = wgmesh({"install-service", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("WGMESH_SYSTEMD_DIR"), std::string::npos);
  EXPECT_NE(r.err.find("WGMESH_SYSTEMCTL"), std::string::npos);
  EXPECT_EQ(calls(), "");
}

TEST_F(InstallService, SystemctlFailuresAreReported) {
  ProcessResult r = wgmesh({"install-service", "--secret", kSecret}, {{"STUB_FAIL", "enable"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Failed to install service: failed to enable service: exit status 3\n");
  EXPECT_EQ(calls(), "daemon-reload\nenable wgmesh.service\n");
  r = wgmesh({"install-service", "--secret", kSecret}, {{"STUB_FAIL", "restart"}});
  EXPECT_EQ(r.err, "Failed to install service: failed to restart service: exit status 3\n");
  r = wgmesh({"install-service", "--secret", kSecret},
             {{"WGMESH_SYSTEMCTL", dir_.file("missing")}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Failed to install service: failed to reload systemd: fork/exec " +
                       dir_.file("missing") + ": No such file or directory\n");
  r = wgmesh({"install-service", "--secret", kSecret},
             {{"WGMESH_SYSTEMCTL", "wgmesh-no-such-systemctl"}});
  EXPECT_EQ(
      r.err,
      "Failed to install service: failed to reload systemd: exec: \"wgmesh-no-such-systemctl\": "
      "executable file not found in $PATH\n");
}

TEST_F(InstallService, UnprivilegedUserIsToldToRunAsRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to nobody";
  passwd* nobody = ::getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  ProcessOptions o;
  o.uid = nobody->pw_uid;
  o.gid = nobody->pw_gid;
  // The real default paths: nobody cannot create them.
  o.env = {{"WGMESH_SYSTEMCTL", stub_}, {"STUB_LOG", log_}};
  ProcessResult r = run_wgmesh({"install-service", "--secret", kSecret}, o);
  if (r.exit_code == 126 || r.exit_code == 127)
    GTEST_SKIP() << "nobody cannot run the build tree's binary";
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind(
                "Failed to install service: failed to create state directory (run as root?): ", 0),
            0u)
      << r.err;
}

TEST_F(InstallService, UninstallRemovesUnitAndSecretButKeepsState) {
  ASSERT_EQ(wgmesh({"install-service", "--secret", kSecret}).exit_code, 0);
  std::ofstream(state_ + "/node.key") << "keep me";
  std::remove(log_.c_str());
  ProcessResult r = wgmesh({"uninstall-service"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Removing wgmesh systemd service...\nService removed successfully!\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(calls(), "stop wgmesh.service\ndisable wgmesh.service\ndaemon-reload\n");
  EXPECT_FALSE(exists(systemd_ + "/wgmesh.service"));
  EXPECT_FALSE(exists(etc_)) << "an empty /etc/wgmesh goes";
  EXPECT_EQ(slurp(state_ + "/node.key"), "keep me");
  // Nothing left to remove, and systemctl failing to stop: still fine.
  r = wgmesh({"uninstall-service"}, {{"STUB_FAIL", "stop"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST_F(InstallService, UninstallKeepsOtherConfigurationAndReportsRealErrors) {
  ASSERT_EQ(wgmesh({"install-service", "--secret", kSecret}).exit_code, 0);
  std::ofstream(etc_ + "/wgmesh.toml") << "[node]\n";
  ProcessResult r = wgmesh({"uninstall-service"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(exists(etc_ + "/secret.env"));
  EXPECT_TRUE(exists(etc_ + "/wgmesh.toml")) << "/etc/wgmesh stays while it holds other files";
  // A unit path that cannot be removed (a non-empty directory) is an error.
  ::mkdir((systemd_ + "/wgmesh.service").c_str(), 0755);
  std::ofstream(systemd_ + "/wgmesh.service/x") << "x";
  r = wgmesh({"uninstall-service"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "Removing wgmesh systemd service...\n");
  EXPECT_EQ(r.err, "Failed to uninstall service: failed to remove unit file: remove " + systemd_ +
                       "/wgmesh.service: is a directory\n");
}

TEST_F(InstallService, UninstallHelpDoesNotUninstall) {
  ASSERT_EQ(wgmesh({"install-service", "--secret", kSecret}).exit_code, 0);
  ProcessResult r = wgmesh({"uninstall-service", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("Usage: wgmesh uninstall-service"), std::string::npos);
  EXPECT_TRUE(exists(systemd_ + "/wgmesh.service"));
}
