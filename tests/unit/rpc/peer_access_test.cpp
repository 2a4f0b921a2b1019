#include "core/peer_access.h"

#include <grp.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/unique_fd.h"

using namespace wgmesh::rpc;

TEST(PeerAccess, ReadsTheKernelsRecordOfThePeer) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  wgmesh::UniqueFd a(sv[0]), b(sv[1]);
  PeerCredentials c;
  std::string err;
  ASSERT_TRUE(read_peer_credentials(a.get(), c, err)) << err;
  EXPECT_EQ(c.pid, ::getpid());
  EXPECT_EQ(c.uid, ::geteuid());
  EXPECT_EQ(c.gid, ::getegid());
}

TEST(PeerAccess, PolicyAllowsRootTheDaemonUserAndGroupMembers) {
  AccessPolicy p;
  p.daemon_uid = 1000;
  PeerCredentials root{1, 0, 0, {}}, self{1, 1000, 1000, {}}, other{1, 1001, 1001, {5, 6}};
  EXPECT_TRUE(p.allows(root));
  EXPECT_TRUE(p.allows(self));
  EXPECT_FALSE(p.allows(other));
  p.group = 6;
  EXPECT_TRUE(p.allows(other)) << "supplementary group";
  p.group = 1001;
  EXPECT_TRUE(p.allows(other)) << "primary group";
  p.group = 7;
  EXPECT_FALSE(p.allows(other));
}

TEST(PeerAccess, LooksUpGroupsByNameOrNumber) {
  gid_t g = 99;
  std::string err;
  ASSERT_TRUE(lookup_group("root", g, err)) << err;
  EXPECT_EQ(g, 0u);
  ASSERT_TRUE(lookup_group("4242", g, err));
  EXPECT_EQ(g, 4242u);
  EXPECT_FALSE(lookup_group("no-such-group-xyz", g, err));
  EXPECT_EQ(err, "unknown group 'no-such-group-xyz'");
}
