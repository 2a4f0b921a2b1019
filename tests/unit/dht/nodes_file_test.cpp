#include "wgmesh/dht/nodes_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "test_util.h"

namespace wgmesh::dht {
namespace {

using test::ep4;

class NodesFile : public ::testing::Test {
 protected:
  std::filesystem::path dir;
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("wgmesh-dht-nodes-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
};

// dht_test 1 + 2: <iface>-, -dht.nodes, hex(network_id[0:8]); different IDs, different names.
TEST_F(NodesFile, NameFollowsTheGoConvention) {
  const uint8_t a[32] = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xff};
  const uint8_t b[32] = {0x11};
  std::string na = nodes_file_name("wg0", a);
  EXPECT_EQ(na, "wg0-deadbeef01234567-dht.nodes");
  EXPECT_EQ(na.rfind("wg0-", 0), 0u);
  EXPECT_TRUE(na.ends_with("-dht.nodes"));
  EXPECT_NE(na, nodes_file_name("wg0", b));
}

TEST_F(NodesFile, RecordLayoutIsGoCompatible) {
  NodeInfo n{*NodeId::from_hex("0102030405060708090a0b0c0d0e0f1011121314"),
             ep4(1, 2, 3, 4, 0x1ae1)};
  std::string s = serialize_nodes(std::span<const NodeInfo>(&n, 1));
  ASSERT_EQ(s.size(), 38u);
  EXPECT_EQ(s.substr(0, 20), n.id.raw());
  EXPECT_EQ(s.substr(20, 16), std::string("\0\0\0\0\0\0\0\0\0\0\xff\xff\x01\x02\x03\x04", 16));
  EXPECT_EQ(s.substr(36, 2), "\x1a\xe1");
}

TEST_F(NodesFile, SaveLoadRoundTripAtomicAndPrivate) {
  test::SeededRandom rng;
  std::vector<NodeInfo> nodes = {{NodeId::random(rng), ep4(1, 2, 3, 4, 6881)},
                                 {NodeId::random(rng), *Endpoint::parse("[2001:db8::7]:6882")}};
  auto path = dir / nodes_file_name("wg0", std::vector<uint8_t>(8, 0xab));
  ASSERT_TRUE(save_nodes_file(path, nodes).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto back = load_nodes_file(path);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(*back, nodes);
  // No temp file left behind.
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
  // Saving nothing keeps the previous file.
  ASSERT_TRUE(save_nodes_file(path, {}).ok());
  EXPECT_EQ(load_nodes_file(path)->size(), 2u);
}

TEST_F(NodesFile, MissingFileIsEmptyCorruptFileIsAnError) {
  auto missing = load_nodes_file(dir / "nope.nodes");
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->empty());

  std::filesystem::create_directories(dir);
  auto path = dir / "bad.nodes";
  { std::ofstream(path, std::ios::binary) << std::string(39, 'x'); }
  auto bad = load_nodes_file(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("38"), std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(path), 39u);  // reported, not replaced

  { std::ofstream(path, std::ios::binary) << std::string(38, '\0'); }  // port 0, ::
  EXPECT_FALSE(load_nodes_file(path).ok());
}

}  // namespace
}  // namespace wgmesh::dht
