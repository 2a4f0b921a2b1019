// Socket file creation rules, tested directly on the pure POSIX part of the plugin.
#include "core/unix_listener.h"

#include <grp.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "test_support.h"

using namespace wgmesh;
using namespace wgmesh::rpc;
using wgmesh::test::TempDir;

namespace {

ListeningSocket listen_at(const std::string& path, std::optional<gid_t> group = std::nullopt) {
  ListenOptions o;
  o.path = path;
  o.group = group;
  ListeningSocket s;
  std::string err;
  EXPECT_TRUE(create_listening_socket(o, s, err)) << err;
  return s;
}

std::string listen_error(const std::string& path) {
  ListenOptions o;
  o.path = path;
  ListeningSocket s;
  std::string err;
  EXPECT_FALSE(create_listening_socket(o, s, err));
  return err;
}

void bind_and_abandon(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  ASSERT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
}

size_t entries(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST(UnixListener, CreatesAPrivateListeningSocketAndLeavesNoTemporaryFiles) {
  TempDir d;
  std::string path = d.file("a.sock");
  ListeningSocket s = listen_at(path);
  ASSERT_TRUE(s.fd);
  struct stat st {};
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(entries(d.path()), 1u) << "the private staging directory is gone";
  EXPECT_EQ(probe_socket_path(path), PathState::kLiveSocket);
  EXPECT_TRUE(remove_socket_file(s));
  EXPECT_EQ(probe_socket_path(path), PathState::kAbsent);
}

TEST(UnixListener, CreatesMissingParentDirectories0755) {
  TempDir d;
  std::string path = d.file("x/y/a.sock");
  ListeningSocket s = listen_at(path);
  struct stat st {};
  ASSERT_EQ(::stat(d.file("x/y").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
}

TEST(UnixListener, GroupModeIs0660) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown to another group needs root";
  group* g = ::getgrnam("nogroup");
  if (!g) GTEST_SKIP();
  TempDir d;
  ListeningSocket s = listen_at(d.file("g.sock"), g->gr_gid);
  struct stat st {};
  ASSERT_EQ(::lstat(d.file("g.sock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0660u);
  EXPECT_EQ(st.st_gid, g->gr_gid);
}

TEST(UnixListener, RefusesALiveSocket) {
  TempDir d;
  std::string path = d.file("live.sock");
  ListeningSocket first = listen_at(path);
  std::string err = listen_error(path);
  EXPECT_NE(err.find("already serving " + path), std::string::npos) << err;
  EXPECT_EQ(probe_socket_path(path), PathState::kLiveSocket) << "the first socket is untouched";
}

TEST(UnixListener, RefusesRegularFilesDirectoriesAndSymlinks) {
  TempDir d;
  { std::ofstream(d.file("file")) << "data"; }
  EXPECT_EQ(listen_error(d.file("file")),
            "path exists but is not a socket: " + d.file("file") + " (refusing to remove it)");
  ASSERT_EQ(::mkdir(d.file("dir").c_str(), 0700), 0);
  EXPECT_NE(listen_error(d.file("dir")).find("not a socket"), std::string::npos);
  ASSERT_EQ(::symlink(d.file("file").c_str(), d.file("link").c_str()), 0);
  EXPECT_NE(listen_error(d.file("link")).find("not a socket"), std::string::npos);
  std::ifstream in(d.file("file"));
  std::string content;
  in >> content;
  EXPECT_EQ(content, "data");
}

TEST(UnixListener, ReplacesAStaleSocket) {
  TempDir d;
  std::string path = d.file("stale.sock");
  bind_and_abandon(path);
  EXPECT_EQ(probe_socket_path(path), PathState::kStaleSocket);
  ListeningSocket s = listen_at(path);
  EXPECT_EQ(probe_socket_path(path), PathState::kLiveSocket);
}

TEST(UnixListener, RemovesOnlyItsOwnSocketFile) {
  TempDir d;
  std::string path = d.file("own.sock");
  ListeningSocket s = listen_at(path);
  ASSERT_EQ(::unlink(path.c_str()), 0);
  bind_and_abandon(path);  // someone else's socket now lives there
  EXPECT_FALSE(remove_socket_file(s));
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0);
}

TEST(UnixListener, RejectsOverlongPaths) {
  TempDir d;
  std::string err = listen_error(d.path() + "/" + std::string(120, 'a'));
  EXPECT_NE(err.find("invalid socket path"), std::string::npos) << err;
  // Fits as such, but its directory leaves no room for the staging name: refused, not
  // truncated.
  std::string deep = d.path() + "/" + std::string(95 - d.path().size() - 1, 'c');
  std::string path = deep + "/s.sock";
  ASSERT_LT(path.size(), 108u);
  std::string err2 = listen_error(path);
  EXPECT_NE(err2.find("too long"), std::string::npos) << err2;
}
