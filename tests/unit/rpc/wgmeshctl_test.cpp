// The built wgmeshctl binary against the real rpc plugin in a test host whose loop runs on
// a background thread, with peers.* and daemon.status methods registered by the test.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <memory>
#include <vector>

#include "plugin_host.h"
#include "test_support.h"

using namespace wgmesh;
using namespace wgmesh::test;

namespace {

std::string key(const char* head) {
  return std::string(head) + std::string(43 - std::strlen(head), 'x') + "=";
}

const std::string kEdge = key("q3");
const std::string kDb1 = key("AA");
const std::string kDb2 = key("AB");
const std::string kDead = key("ZZ");

class Ctl : public ::testing::Test {
 protected:
  void SetUp() override {
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    edge_ =
        R"({"pubkey":")" + kEdge +
        R"(","hostname":"edge-1","mesh_ip":"10.42.0.5","endpoint":"203.0.113.10:51820",)"
        R"("last_seen":"2026-02-20T10:15:04Z","discovered_via":["dht","gossip"],"last_handshake":)" +
        std::to_string(now - 12) + R"(,"rx_bytes":1536,"tx_bytes":2048})";
    db1_ = R"({"pubkey":")" + kDb1 +
           R"(","hostname":"db-1","mesh_ip":"10.42.0.6","endpoint":"","discovered_via":null})";
    db2_ =
        R"({"pubkey":")" + kDb2 +
        R"(","hostname":"db-2","mesh_ip":"10.42.0.7","endpoint":"192.0.2.1:51820","discovered_via":["lan"]})";
    list_ = R"({"peers":[)" + edge_ + "," + db1_ + "," + db2_ + "]}";
    (void)host_.rpc.add("peers.list", "test", "active peers",
                        [this](auto r, const std::string&) { r->reply(list_); });
    (void)host_.rpc.add("peers.count", "test", "counts", [](auto r, const std::string&) {
      r->reply(R"({"active":3,"total":4,"dead":1})");
    });
    (void)host_.rpc.add("peers.get", "test", "one peer", [this](auto r, const std::string& params) {
      rapidjson::Document d;
      d.Parse(params.c_str());
      std::string k = d.IsObject() && d.HasMember("pubkey") && d["pubkey"].IsString()
                          ? d["pubkey"].GetString()
                          : "";
      if (k == kEdge) return (void)r->reply(edge_);
      if (k == kDb1) return (void)r->reply(db1_.substr(0, db1_.size() - 1) + R"(,"active":true})");
      if (k == kDb2) return (void)r->reply(db2_);
      if (k == kDead)
        return (void)r->reply(
            R"({"pubkey":")" + kDead +
            R"(","mesh_ip":"10.42.0.9","endpoint":"","last_seen":"0001-01-01T00:00:00Z"})");
      r->error(-32602, "peer not found: " + k);
    });
    (void)host_.rpc.add("daemon.status", "test", "status", [](auto r, const std::string&) {
      r->reply(
          R"({"mesh_ip":"10.42.0.1","pubkey":"self=","uptime":3725000000000,"interface":"wg0","version":"v0.3.1"})");
    });
    (void)host_.rpc.add("test.echo", "test", "echo",
                        [](auto r, const std::string& params) { r->reply(params); });
    (void)host_.rpc.add("test.never", "test", "never answers",
                        [this](auto r, const std::string&) { held_.push_back(r); });
    ASSERT_TRUE(host_.start_plugin(R"({"socket_path":")" + sock_ + R"("})")) << host_.refusal();
    host_.start_loop_thread();
  }
  void TearDown() override { host_.stop_loop_thread(); }

  ProcessResult ctl(std::vector<std::string> args, ProcessOptions opts = {}) {
    args.insert(args.begin(), WGMESHCTL_PATH);
    opts.unset_env.push_back("WGMESH_SOCKET");
    return run_process(args, opts);
  }
  ProcessResult ctl_here(std::vector<std::string> args, ProcessOptions opts = {}) {
    args.insert(args.begin(), {"--socket", sock_});
    return ctl(std::move(args), std::move(opts));
  }

  TempDir dir_;
  std::string sock_ = dir_.file("ctl.sock");
  PluginHost host_{dir_.path()};
  std::string edge_, db1_, db2_, list_;
  std::vector<std::shared_ptr<RpcResponder>> held_;
};

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    out.push_back(text.substr(start, nl - start));
  return out;
}

}  // namespace

TEST_F(Ctl, PeersListTable) {
  ProcessResult r = ctl_here({"peers", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto l = lines(r.out);
  ASSERT_EQ(l.size(), 4u) << r.out;
  EXPECT_EQ(l[0].rfind("HOSTNAME  PUBLIC KEY", 0), 0u) << l[0];
  EXPECT_NE(l[0].find("MESH IP"), std::string::npos);
  EXPECT_NE(l[0].find("LAST HANDSHAKE  RX       TX"), std::string::npos) << l[0];
  // Sorted by hostname; columns as wide as their widest cell ("HOSTNAME") plus two spaces.
  EXPECT_EQ(l[1],
            "db-1      " + kDb1 +
                "  10.42.0.6  -                   -               -               -        -");
  EXPECT_EQ(l[2].rfind("db-2      " + kDb2 + "  10.42.0.7  192.0.2.1:51820     lan  ", 0), 0u)
      << l[2];
  EXPECT_EQ(
      l[3].rfind("edge-1    " + kEdge + "  10.42.0.5  203.0.113.10:51820  dht,gossip      1", 0),
      0u)
      << l[3];
  EXPECT_TRUE(l[3].find("  12s ago  ") != std::string::npos ||
              l[3].find("  13s ago  ") != std::string::npos ||
              l[3].find("  14s ago  ") != std::string::npos)
      << l[3];
  EXPECT_NE(l[3].find("1.5 KiB  2.0 KiB"), std::string::npos) << l[3];
}

TEST_F(Ctl, PeersListJsonIsTheRawResult) {
  ProcessResult r = ctl_here({"--json", "peers", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, list_ + "\n");
}

TEST_F(Ctl, PeersGetResolvesPrefixHostnameAndMeshIp) {
  for (const std::string& q :
       {std::string("q3"), std::string("EDGE-1"), std::string("10.42.0.5"), kEdge}) {
    ProcessResult r = ctl_here({"peers", "get", q});
    ASSERT_EQ(r.exit_code, 0) << q << ": " << r.err;
    EXPECT_NE(r.out.find("Public Key:     " + kEdge + "\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Discovered Via: dht, gossip\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Transfer:       rx 1.5 KiB, tx 2.0 KiB\n"), std::string::npos) << r.out;
  }
  ProcessResult j = ctl_here({"--json", "peers", "get", "AA"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(j.out, db1_.substr(0, db1_.size() - 1) + ",\"active\":true}\n")
      << "the daemon's peers.get answer";
}

TEST_F(Ctl, PeersGetAmbiguousUnknownAndDead) {
  ProcessResult amb = ctl_here({"peers", "get", "A"});
  EXPECT_EQ(amb.exit_code, 1);
  EXPECT_NE(amb.err.find("'A' matches 2 peers; be more specific:"), std::string::npos) << amb.err;
  EXPECT_NE(amb.err.find(kDb1), std::string::npos);
  EXPECT_NE(amb.err.find(kDb2), std::string::npos);
  ProcessResult none = ctl_here({"peers", "get", "nomatch"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err,
            "no peer matches 'nomatch' (by public key, key prefix, mesh IP or hostname)\n");
  ProcessResult dead = ctl_here({"peers", "get", kDead});
  EXPECT_EQ(dead.exit_code, 0) << dead.err;
  EXPECT_NE(dead.out.find("Last Seen:      never"), std::string::npos) << dead.out;
}

TEST_F(Ctl, PeersCountStatusMethods) {
  ProcessResult c = ctl_here({"peers", "count"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(
      c.out,
      "Peer Statistics\n===============\nActive peers: 3\nTotal peers:  4\nDead peers:   1\n");
  ProcessResult s = ctl_here({"status"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(s.out.find("uptime:         1h 2m\n"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("version:        v0.3.1\n"), std::string::npos) << s.out;
  ProcessResult m = ctl_here({"methods"});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.out.find("peers.list     test   active peers\n"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("rpc.list       host"), std::string::npos) << m.out;
}

TEST_F(Ctl, GenericCallAndRpcErrors) {
  ProcessResult r = ctl_here({"call", "test.echo", R"({"a":[1,"b"]})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"a\":[1,\"b\"]}\n");
  ProcessResult e = ctl_here({"call", "no.such"});
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_EQ(e.err, "RPC error -32601: method not found: no.such\n");
  ProcessResult p = ctl_here({"call", "peers.get", R"({"pubkey":"nope"})"});
  EXPECT_EQ(p.exit_code, 1);
  EXPECT_EQ(p.err, "RPC error -32602: peer not found: nope\n");
}

TEST_F(Ctl, SocketFromTheEnvironment) {
  ProcessOptions o;
  o.env["WGMESH_SOCKET"] = sock_;
  ProcessResult r = run_process({WGMESHCTL_PATH, "peers", "count"}, o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(Ctl, NoDaemonTimeoutAndUsage) {
  std::string missing = dir_.file("missing.sock");
  ProcessResult n = ctl({"--socket", missing, "status"});
  EXPECT_EQ(n.exit_code, 3);
  EXPECT_EQ(n.err, "cannot connect to wgmeshd at " + missing + ": is the daemon running?\n");
  ProcessResult t = ctl_here({"--timeout", "300", "call", "test.never"});
  EXPECT_EQ(t.exit_code, 5);
  EXPECT_EQ(t.err, "timed out after 300 ms waiting for wgmeshd at " + sock_ + "\n");
  for (const auto& args : std::vector<std::vector<std::string>>{{},
                                                                {"bogus"},
                                                                {"peers"},
                                                                {"peers", "get"},
                                                                {"peers", "frob"},
                                                                {"call"},
                                                                {"call", "m", "{bad"},
                                                                {"--timeout", "0", "status"},
                                                                {"--no-such-flag"}}) {
    ProcessResult u = ctl_here(args);
    EXPECT_EQ(u.exit_code, 2) << (args.empty() ? "<none>" : args[0]) << ": " << u.err;
    EXPECT_FALSE(u.err.empty());
  }
}

TEST_F(Ctl, PermissionDeniedBySocketModeAndByPeerCredentials) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run wgmeshctl as nobody";
  passwd* nobody = ::getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
  ProcessOptions o;
  o.uid = nobody->pw_uid;
  o.gid = nobody->pw_gid;
  ProcessResult mode = ctl_here({"status"}, o);
  EXPECT_EQ(mode.exit_code, 4) << mode.err;
  EXPECT_EQ(mode.err.rfind("permission denied on " + sock_, 0), 0u) << mode.err;
  ASSERT_EQ(::chmod(sock_.c_str(), 0666), 0);  // only SO_PEERCRED is left to say no
  ProcessResult cred = ctl_here({"status"}, o);
  EXPECT_EQ(cred.exit_code, 4) << cred.err;
  EXPECT_NE(cred.err.find("refused us: permission denied: uid " + std::to_string(nobody->pw_uid)),
            std::string::npos)
      << cred.err;
}
