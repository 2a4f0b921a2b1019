// `wgmesh peers …` through the built binary against the real rpc plugin (loaded by the
// host's PluginManager, peers.* registered by the test), and against a real wgmeshd.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "cli_run.h"
#include "plugin_host.h"

using namespace wgmesh;
using namespace wgmesh::test;

namespace {

std::string rfc3339(int64_t t) {
  time_t tt = static_cast<time_t>(t);
  tm g{};
  gmtime_r(&tt, &g);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &g);
  return buf;
}

std::string row(const char* h, const char* k, const char* ip, const char* ep,
                const std::string& seen, const char* lat, const char* via) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-20s %-19s %-15s %-25s %-10s %-10s %s", h, k, ip, ep,
                seen.c_str(), lat, via);
  return buf;
}

const std::string kEdge = "q3J9ab0Kkq7s3fXgG3g0lqH+YkZrV2m9dWc6dGVzdDE=";
const std::string kDb = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

class Peers : public ::testing::Test {
 protected:
  void SetUp() override {
    (void)host_.rpc.add("peers.list", "test", "active peers",
                        [this](auto r, const std::string&) { r->reply(get(list_)); });
    (void)host_.rpc.add("peers.count", "test", "counts",
                        [this](auto r, const std::string&) { r->reply(get(count_)); });
    (void)host_.rpc.add("peers.get", "test", "one peer", [this](auto r, const std::string& params) {
      rapidjson::Document d;
      d.Parse(params.c_str());
      std::string k = d.IsObject() && d.HasMember("pubkey") && d["pubkey"].IsString()
                          ? d["pubkey"].GetString()
                          : "";
      if (k == kEdge) return (void)r->reply(get(edge_));
      r->error(-32602, "peer not found: " + k);
    });
    ASSERT_TRUE(host_.start_plugin(R"({"socket_path":")" + sock_ + R"("})")) << host_.refusal();
    host_.start_loop_thread();
  }
  void TearDown() override { host_.stop_loop_thread(); }

  std::string get(const std::string& s) {
    std::lock_guard<std::mutex> lock(mu_);
    return s;
  }
  void set(std::string& target, const std::string& value) {
    std::lock_guard<std::mutex> lock(mu_);
    target = value;
  }

  ProcessResult peers(std::vector<std::string> args) {
    args.insert(args.begin(), "peers");
    ProcessOptions o;
    o.env["WGMESH_SOCKET"] = sock_;
    return run_wgmesh(args, o);
  }

  TempDir dir_;
  std::string sock_ = dir_.file("rpc.sock");
  PluginHost host_{dir_.path()};
  std::mutex mu_;
  int64_t now_ = static_cast<int64_t>(std::time(nullptr));
  std::string edge_ =
      R"({"pubkey":")" + kEdge +
      R"(","hostname":"edge-1","mesh_ip":"10.42.0.5","endpoint":"203.0.113.10:51820","last_seen":")" +
      rfc3339(now_ - 12) +
      R"(","discovered_via":["dht","gossip"],"routable_networks":["192.168.1.0/24"],"latency_ms":12})";
  std::string db_ = R"({"pubkey":")" + kDb +
                    R"(","mesh_ip":"10.42.0.6","endpoint":"","last_seen":")" +
                    rfc3339(now_ - 7200) + R"(","discovered_via":null})";
  std::string list_ = R"({"peers":[)" + edge_ + "," + db_ + "]}";
  std::string count_ = R"({"active":2,"total":3,"dead":1})";
};

}  // namespace

TEST_F(Peers, ListInTheDaemonsOrder) {
  ProcessResult r = peers({"list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  auto l = split_lines(r.out);
  ASSERT_EQ(l.size(), 4u) << r.out;
  EXPECT_EQ(l[0], row("HOSTNAME", "PUBLIC KEY", "MESH IP", "ENDPOINT", "LAST SEEN", "LATENCY",
                      "DISCOVERED VIA"));
  EXPECT_EQ(l[1], std::string(130, '-'));
  // 12 s ago when the test started; a slow machine may have taken a few seconds since.
  bool edge_ok = false;
  for (int s = 12; s <= 20 && !edge_ok; ++s)
    edge_ok = l[2] == row("edge-1", "q3J9ab0Kkq7s3fXg...", "10.42.0.5", "203.0.113.10:51820",
                          std::to_string(s) + "s", "12.0ms", "dht,gossip");
  EXPECT_TRUE(edge_ok) << l[2];
  EXPECT_EQ(l[3],
            row("AAAAAAAAAAAAAAAA...", "AAAAAAAAAAAAAAAA...", "10.42.0.6", "", "2h", "-", ""));
}

TEST_F(Peers, CountAndGet) {
  ProcessResult r = peers({"count"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      r.out,
      "Peer Statistics\n===============\nActive peers: 2\nTotal peers:  3\nDead peers:   1\n");
  r = peers({"get", kEdge});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      r.out,
      "Peer Information\n================\nPublic Key:     " + kEdge +
          "\nMesh IP:        10.42.0.5\nEndpoint:       203.0.113.10:51820\nLast Seen:      " +
          rfc3339(now_ - 12) +
          "\nDiscovered Via: dht, gossip\nRoutes:         192.168.1.0/24\nLatency:        12.0 "
          "ms\n");
}

TEST_F(Peers, ErrorsFromTheDaemonAndUsage) {
  ProcessResult r = peers({"get", "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "RPC error: RPC error -32602: peer not found: nope\n");
  r = peers({"get"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Usage: wgmesh peers get <pubkey>\n");
  r = peers({"bogus"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Unknown action: bogus\nAvailable actions: list, count, get\n");
  r = peers({});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(
      r.err,
      "Usage: wgmesh peers <list|count|get>\n\nCommands:\n  list            List all active peers\n"
      "  count           Show peer counts\n  get <pubkey>    Get specific peer by public key\n");
}

TEST_F(Peers, EmptyAndMalformedResults) {
  set(list_, R"({"peers":[]})");
  ProcessResult r = peers({"list"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "No active peers\n");
  set(list_, R"({"peers":null})");
  r = peers({"list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Invalid peers data\n");
  set(list_, R"([1,2])");
  r = peers({"list"});
  EXPECT_EQ(r.err, "Invalid response format\n");
  set(count_, R"({"active":"2","total":3,"dead":1})");
  r = peers({"count"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Invalid peer count data\n");
  set(edge_, R"("just a string")");
  r = peers({"get", kEdge});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Invalid response format\n");
}

TEST(PeersNoDaemon, ConnectionFailureTextsComeFirst) {
  TempDir dir;
  const std::string missing = dir.file("missing.sock");
  ProcessOptions o;
  o.env["WGMESH_SOCKET"] = missing;
  const std::string expected = "Failed to connect to daemon: cannot connect to wgmeshd at " +
                               missing +
                               ": is the daemon running?\n\nIs wgmesh daemon running?\n"
                               "  Start with: wgmesh join --secret <SECRET>\n  Socket path: " +
                               missing + "\n";
  // The original connects before it looks at the action.
  for (std::string action : {"list", "count", "bogus"}) {
    ProcessResult r = run_wgmesh({"peers", action}, o);
    EXPECT_EQ(r.exit_code, 1) << action;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, expected) << action;
  }
  // A regular file where the socket should be is no daemon either.
  std::ofstream(missing) << "not a socket";
  ProcessResult r = run_wgmesh({"peers", "list"}, o);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("Failed to connect to daemon: ", 0), 0u) << r.err;
}

// A real wgmeshd without a secret runs its plugins but no mesh: the rpc plugin answers,
// and peers.* do not exist there.
TEST(PeersRealDaemon, MeshlessDaemonHasNoPeerMethods) {
  TempDir dir;
  const std::string sock = dir.file("wgmeshd.sock");
  std::ofstream(dir.file("wgmesh.toml"))
      << "[node]\nstate_dir = \"" << dir.file("state")
      << "\"\nlog_level = \"debug\"\n[plugins]\ndir = \"" RPC_PLUGIN_DIR
         "\"\nenable = [\"rpc\"]\n[plugins.rpc]\nsocket_path = \""
      << sock << "\"\n";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::unsetenv("WGMESH_SECRET");
    ::unsetenv("WGMESH_SECRET_FILE");
    FILE* log = std::freopen(dir.file("wgmeshd.log").c_str(), "w", stderr);
    (void)log;
    ::dup2(2, 1);
    ::execl(WGMESHD_BIN, WGMESHD_BIN, "--config", dir.file("wgmesh.toml").c_str(), nullptr);
    ::_exit(127);
  }
  ASSERT_GT(pid, 0);
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      ::kill(pid, SIGTERM);
      int st;
      ::waitpid(pid, &st, 0);
    }
  } reaper{pid};
  ProcessOptions o;
  o.env["WGMESH_SOCKET"] = sock;
  ProcessResult r;
  for (int i = 0; i < 200; ++i) {
    r = run_wgmesh({"peers", "count"}, o);
    if (r.err.rfind("Failed to connect", 0) != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::ifstream log(dir.file("wgmeshd.log"));
  std::string log_text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_EQ(r.exit_code, 1) << log_text;
  EXPECT_EQ(r.err, "RPC error: RPC error -32601: method not found: peers.count\n") << log_text;
  r = run_wgmesh({"peers", "list"}, o);
  EXPECT_EQ(r.err, "RPC error: RPC error -32601: method not found: peers.list\n");
  r = run_wgmesh({"peers", "get", "x"}, o);
  EXPECT_EQ(r.err, "RPC error: RPC error -32601: method not found: peers.get\n");
}
