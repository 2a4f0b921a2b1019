// Runs the real `wgmesh` binary and checks output and exit codes against the original's
// behaviour and the crypto vectors.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <rapidjson/document.h>

namespace {

struct CliRun {
  int status;
  std::string out;
  std::string err;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

CliRun run(const std::vector<std::string>& args) {
  std::string err_path = ::testing::TempDir() + "/cli-err-" + std::to_string(getpid());
  std::string cmd = std::string("env -u WGMESH_SECRET -u WGMESH_SECRET_FILE WGMESH_SERVICE_UNIT=wgmesh-test-none.service ") +
                    quote(WGMESH_BIN);
  for (const auto& a : args) cmd += " " + quote(a);
  cmd += " 2>" + err_path;
  CliRun r{};
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  std::ifstream e(err_path);
  std::stringstream ss;
  ss << e.rdbuf();
  r.err = ss.str();
  std::remove(err_path.c_str());
  return r;
}

}  // namespace

TEST(WgmeshCli, Version) {
  for (auto args : std::vector<std::vector<std::string>>{{"version"}, {"--version"}, {"-v"}, {"status", "--secret", "-v"}}) {
    CliRun r = run(args);
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out.rfind("wgmesh version ", 0), 0u) << r.out;
  }
}

TEST(WgmeshCli, InitSecret) {
  CliRun r = run({"init", "--secret"});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string head = "Generated mesh secret:\n\nwgmesh://v1/";
  ASSERT_EQ(r.out.rfind(head, 0), 0u) << r.out;
  std::string secret = r.out.substr(head.size(), 43);
  EXPECT_EQ(secret.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(r.out, head + secret + "\n\nShare this secret with all nodes that should join the mesh.\n" +
                       "Run: wgmesh join --secret \"wgmesh://v1/" + secret + "\"\n");
  EXPECT_NE(run({"init", "--secret"}).out, r.out) << "every secret is fresh";
  CliRun usage = run({"init"});
  EXPECT_EQ(usage.status, 1);
  EXPECT_NE(usage.err.find("-secret"), std::string::npos);
}

TEST(WgmeshCli, StatusMatchesVectorsForEverySecret) {
  const char* env = std::getenv("WGMESH_CRYPTO_VECTORS");
  std::ifstream in(env && *env ? env : CRYPTO_VECTORS_DEFAULT);
  ASSERT_TRUE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  rapidjson::Document doc;
  doc.Parse(ss.str().c_str());
  ASSERT_TRUE(doc.IsObject());
  int checked = 0;
  for (const auto& s : doc["secrets"].GetArray()) {
    std::string input = s["input"].GetString();
    const auto& d = s["derived"];
    CliRun r = run({"status", "--secret", input, "--interface", "wgtest0"});
    ASSERT_EQ(r.status, 0) << input << ": " << r.err;
    std::string expected = std::string("Mesh Status\n===========\nInterface: wgtest0\nNetwork ID: ") +
                           d["network_id_short_hex"].GetString() + "\nMesh Subnet: " + d["mesh_subnet_cidr"].GetString() +
                           "\nMesh IPv6 Prefix: " + d["mesh_prefix_v6_status"].GetString() +
                           "\nGossip Port: " + std::to_string(d["gossip_port"].GetInt()) + "\nRendezvous ID: " +
                           d["rendezvous_id_hex"].GetString() + "\n\nService Status: inactive\n\n(Run 'wg show' to see connected peers)\n";
    EXPECT_EQ(r.out, expected);
    CliRun j = run({"status", "--secret", input, "--json"});
    ASSERT_EQ(j.status, 0);
    rapidjson::Document out;
    out.Parse(j.out.c_str());
    ASSERT_TRUE(out.IsObject()) << j.out;
    EXPECT_STREQ(out["interface"].GetString(), "wg0");
    EXPECT_STREQ(out["network_id"].GetString(), d["network_id_short_hex"].GetString());
    EXPECT_STREQ(out["mesh_subnet"].GetString(), d["mesh_subnet_cidr"].GetString());
    EXPECT_STREQ(out["mesh_ipv6_prefix"].GetString(), d["mesh_prefix_v6_status"].GetString());
    EXPECT_EQ(out["gossip_port"].GetInt(), d["gossip_port"].GetInt());
    EXPECT_STREQ(out["rendezvous_id"].GetString(), d["rendezvous_id_hex"].GetString());
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(WgmeshCli, StatusErrors) {
  CliRun r = run({"status"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "Error: --secret is required\nUsage: wgmesh status --secret <SECRET>\n");
  r = run({"status", "--json"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("Error: --secret is required"), std::string::npos);
  r = run({"status", "--secret", "short"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "Failed to create config: failed to derive keys: secret must be at least 16 characters\n");
  r = run({"status", "--nope"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("flag provided but not defined: -nope", 0), 0u);
  r = run({"status", "--secret", "test-secret-that-is-long-enough", "--mesh-subnet", "192.168.100.77/24"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("Mesh Subnet: 192.168.100.0/24 (custom)\n"), std::string::npos) << r.out;
}

TEST(WgmeshCli, JoinWithoutSecret) {
  CliRun r = run({"join"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.rfind("Error: --secret is required\nUsage: wgmesh join --secret <SECRET>\n", 0), 0u);
}

TEST(WgmeshCli, UnknownCommand) {
  CliRun r = run({"frobnicate"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos);
}
