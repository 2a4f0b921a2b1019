// wgmeshd as a program: configuration checking, the signals it handles, its exit codes.
// These runs have no mesh secret, so no WireGuard interface is touched (no root needed).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace {

std::string dir() {
  static std::string d = [] {
    std::string p = ::testing::TempDir() + "/wgmeshd-test-" + std::to_string(getpid());
    mkdir(p.c_str(), 0700);
    return p;
  }();
  return d;
}

std::string write_config(const std::string& name, const std::string& body) {
  std::string path = dir() + "/" + name;
  std::ofstream(path) << body;
  return path;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Daemon {
  pid_t pid = -1;
  std::string log;
  Daemon(const std::string& config, const std::string& log_path) : log(log_path) {
    pid = fork();
    if (pid == 0) {
      FILE* f = freopen(log_path.c_str(), "w", stderr);
      (void)f;
      unsetenv("WGMESH_SECRET");
      unsetenv("WGMESH_SECRET_FILE");
      execl(WGMESHD_BIN, WGMESHD_BIN, "--config", config.c_str(), nullptr);
      _exit(127);
    }
  }
  bool wait_log(const std::string& text, int ms = 5000) {
    for (int i = 0; i < ms / 20; ++i) {
      if (slurp(log).find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  int wait_exit() {
    int st = 0;
    waitpid(pid, &st, 0);
    pid = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  ~Daemon() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

int run_check(const std::string& config, std::string& output) {
  std::string cmd = std::string("env -u WGMESH_SECRET -u WGMESH_SECRET_FILE ") + WGMESHD_BIN + " --check-config --config " +
                    config + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  output.clear();
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, n);
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace

TEST(Wgmeshd, RunsPluginsReloadsLogLevelOnSighupAndStopsCleanlyOnSigterm) {
  std::string body = "[node]\nstate_dir = \"" + dir() + "/state\"\nlog_level = \"info\"\n[plugins]\ndir = \"" +
                     TEST_PLUGIN_DIR + "\"\nenable = [\"probe\"]\n";
  std::string config = write_config("run.toml", body);
  Daemon d(config, dir() + "/run.log");
  ASSERT_TRUE(d.wait_log("[daemon] running")) << slurp(d.log);
  EXPECT_TRUE(d.wait_log("[probe] probe timer fired")) << "the plugin runs on the daemon's loop";
  EXPECT_TRUE(d.wait_log("1 of 1 enabled plugins running"));
  // SIGHUP re-reads the file: the new log level takes effect at once.
  std::ofstream(config) << body.replace(body.find("\"info\""), 6, "\"debug\"");
  kill(d.pid, SIGHUP);
  EXPECT_TRUE(d.wait_log("log level INFO -> DEBUG")) << slurp(d.log);
  // A broken file on reload is reported and the running configuration is kept.
  std::ofstream(config) << "[node]\nlog_level = 5\n";
  kill(d.pid, SIGHUP);
  EXPECT_TRUE(d.wait_log("keeping the running configuration")) << slurp(d.log);
  kill(d.pid, SIGTERM);
  EXPECT_EQ(d.wait_exit(), 0);
  std::string log = slurp(d.log);
  EXPECT_NE(log.find("received SIGTERM, shutting down"), std::string::npos);
  EXPECT_NE(log.find("[plugins] stopped probe"), std::string::npos);
  EXPECT_NE(log.find("[daemon] stopped"), std::string::npos);
}

TEST(Wgmeshd, SigintStopsToo) {
  std::string config = write_config("int.toml", "[node]\nstate_dir = \"" + dir() + "/state\"\n");
  Daemon d(config, dir() + "/int.log");
  ASSERT_TRUE(d.wait_log("[daemon] running"));
  kill(d.pid, SIGINT);
  EXPECT_EQ(d.wait_exit(), 0);
}

TEST(Wgmeshd, CheckConfigReportsFileLineAndKey) {
  std::string out;
  std::string ok = write_config("ok.toml", std::string("[plugins]\ndir = \"") + TEST_PLUGIN_DIR +
                                               "\"\nenable = [\"probe\"]\n[plugins.probe]\ngreeting = \"hi\"\n");
  EXPECT_EQ(run_check(ok, out), 0) << out;
  EXPECT_NE(out.find("configuration OK"), std::string::npos);

  std::string bad_key = write_config("badkey.toml", std::string("[plugins]\ndir = \"") + TEST_PLUGIN_DIR +
                                                        "\"\nenable = [\"probe\"]\n[plugins.probe]\ncolour = \"red\"\n");
  EXPECT_EQ(run_check(bad_key, out), 1);
  EXPECT_NE(out.find("badkey.toml:5: unknown key 'plugins.probe.colour'"), std::string::npos) << out;

  std::string typo = write_config("typo.toml", "[node]\nlisten_prot = 51820\n");
  EXPECT_EQ(run_check(typo, out), 1);
  EXPECT_NE(out.find("typo.toml:2: unknown key 'node.listen_prot'"), std::string::npos) << out;

  EXPECT_EQ(run_check(dir() + "/missing.toml", out), 1);
  EXPECT_NE(out.find("cannot read config file"), std::string::npos) << out;
}

TEST(Wgmeshd, AMissingPluginDoesNotTakeTheHostDown) {
  std::string config = write_config("missing-plugin.toml", "[node]\nstate_dir = \"" + dir() +
                                                               "/state\"\n[plugins]\ndir = \"" + TEST_PLUGIN_DIR +
                                                               "\"\nenable = [\"nope\", \"probe\"]\n");
  Daemon d(config, dir() + "/missing-plugin.log");
  ASSERT_TRUE(d.wait_log("[daemon] running")) << slurp(d.log);
  EXPECT_NE(slurp(d.log).find("refused"), std::string::npos);
  EXPECT_TRUE(d.wait_log("1 of 2 enabled plugins running"));
  kill(d.pid, SIGTERM);
  EXPECT_EQ(d.wait_exit(), 0);
}
