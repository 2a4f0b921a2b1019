// The identity file (daemon.md §3.2): the original's format including the later-upstream
// mesh_ip / mesh_ipv6, atomic 0600 writes, corrupt files refused.
#include "mesh/identity.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/atomic_file.h"

using namespace wgmesh;

namespace {

struct StateDir : ::testing::Test {
  std::string dir;
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/identity-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir = tmpl + "/state";  // created by the code under test
  }
  void TearDown() override {
    std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
  }
  void write(const std::string& text) {
    ASSERT_TRUE(ensure_directory(dir, 0700).ok());
    std::ofstream(identity_path(dir, "wg0")) << text;
  }
};

// A key pair from the crypto vectors' style: any valid private key and its public key.
NodeIdentity fresh() {
  NodeIdentity id;
  id.private_key = wg::Key::generate_private();
  id.public_key = id.private_key.public_key();
  id.public_key_text = id.public_key.to_base64();
  return id;
}

}  // namespace

TEST_F(StateDir, CreatesSavesAndReloadsWithMeshIp) {
  auto created = load_or_create_identity(dir, "wg0");
  ASSERT_TRUE(created.ok()) << created.message();
  EXPECT_TRUE(created->created);
  EXPECT_TRUE(created->mesh_ip.empty());
  struct stat st {};
  ASSERT_EQ(stat(identity_path(dir, "wg0").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  NodeIdentity id = *created;
  id.mesh_ip = "10.42.7.9";
  ASSERT_TRUE(save_identity(dir, "wg0", id).ok());
  ASSERT_EQ(stat(identity_path(dir, "wg0").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = load_or_create_identity(dir, "wg0");
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->public_key_text, id.public_key_text);
  EXPECT_EQ(again->private_key, id.private_key);
  EXPECT_EQ(again->mesh_ip, "10.42.7.9");
  // No temporary files left behind by the atomic write.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
}

TEST(IdentityFormat, MatchesGoMarshalIndentAndOmitsEmptyFields) {
  NodeIdentity id = fresh();
  std::string base = "{\n  \"wg_pubkey\": \"" + id.public_key_text +
                     "\",\n  \"wg_private_key\": \"" + id.private_key.to_base64() + "\"";
  EXPECT_EQ(serialize_identity(id), base + "\n}");
  id.mesh_ip = "10.42.7.9";
  EXPECT_EQ(serialize_identity(id), base + ",\n  \"mesh_ip\": \"10.42.7.9\"\n}");
  id.mesh_ipv6 = "fd00:1:2:3:4:5:6:7";
  EXPECT_EQ(serialize_identity(id),
            base + ",\n  \"mesh_ip\": \"10.42.7.9\",\n  \"mesh_ipv6\": \"fd00:1:2:3:4:5:6:7\"\n}");
  auto parsed = parse_identity(serialize_identity(id), "test");
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(parsed->mesh_ip, id.mesh_ip);
  EXPECT_EQ(parsed->mesh_ipv6, id.mesh_ipv6);
  EXPECT_EQ(serialize_identity(*parsed), serialize_identity(id)) << "round trip is byte-exact";
}

TEST(IdentityFormat, ToleratesAbsentAndUnknownFields) {
  NodeIdentity id = fresh();
  // fd8b650's file: keys only. A later file with extra fields, and null / non-string values.
  auto old = parse_identity("{\"wg_pubkey\":\"" + id.public_key_text + "\",\"wg_private_key\":\"" +
                                id.private_key.to_base64() + "\"}",
                            "old");
  ASSERT_TRUE(old.ok()) << old.message();
  EXPECT_TRUE(old->mesh_ip.empty());
  auto extra = parse_identity(
      "{\"future\": {\"x\": 1}, \"mesh_ip\": null, \"mesh_ipv6\": 5, \"wg_pubkey\":\"" +
          id.public_key_text + "\",\"wg_private_key\":\"" + id.private_key.to_base64() + "\"}",
      "extra");
  ASSERT_TRUE(extra.ok()) << extra.message();
  EXPECT_TRUE(extra->mesh_ip.empty());
  EXPECT_TRUE(extra->mesh_ipv6.empty());
}

TEST_F(StateDir, CorruptOrMismatchedFileIsAnErrorAndLeftAlone) {
  write("{not json");
  auto r = load_or_create_identity(dir, "wg0");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.message().find("corrupt"), std::string::npos);
  NodeIdentity a = fresh(), b = fresh();
  write("{\"wg_pubkey\":\"" + b.public_key_text + "\",\"wg_private_key\":\"" +
        a.private_key.to_base64() + "\",\"mesh_ip\":\"10.1.2.3\"}");
  EXPECT_FALSE(load_or_create_identity(dir, "wg0").ok());
  auto content = read_file(identity_path(dir, "wg0"));
  ASSERT_TRUE(content.ok());
  EXPECT_NE(content->find(b.public_key_text), std::string::npos) << "never silently replaced";
}
