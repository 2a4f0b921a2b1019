// Socket path resolution shared by the daemon's rpc plugin and the clients (spec §7.1).
#include "common/socket_path.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstdio>

#include "common/unique_fd.h"
#include "test_support.h"

using namespace wgmesh::sockpath;

TEST(SocketPath, ServerPrecedence) {
  PathEnv e;
  EXPECT_EQ(server_socket_path(e), "/tmp/wgmesh.sock");
  e.xdg_runtime_dir = "/run/user/1000";
  EXPECT_EQ(server_socket_path(e), "/run/user/1000/wgmesh.sock");
  e.xdg_runtime_dir = "/run/user/1000/";
  EXPECT_EQ(server_socket_path(e), "/run/user/1000/wgmesh.sock");
  e.var_run_writable = true;
  EXPECT_EQ(server_socket_path(e), "/var/run/wgmesh.sock");
  e.wgmesh_socket = "/srv/w.sock";
  EXPECT_EQ(server_socket_path(e), "/srv/w.sock");
}

TEST(SocketPath, ClientTriesEveryPlaceUnlessTold) {
  PathEnv e;
  e.xdg_runtime_dir = "/run/user/7";
  EXPECT_EQ(client_socket_candidates(e),
            (std::vector<std::string>{"/run/wgmesh.sock", "/var/run/wgmesh.sock",
                                      "/run/user/7/wgmesh.sock", "/tmp/wgmesh.sock"}));
  e.wgmesh_socket = "/srv/w.sock";
  EXPECT_EQ(client_socket_candidates(e), (std::vector<std::string>{"/srv/w.sock"}));
}

TEST(SocketPath, ClientPicksTheFirstExistingSocket) {
  wgmesh::test::TempDir d;
  PathEnv e;
  e.xdg_runtime_dir = d.path();
  std::vector<std::string> tried;
  std::string none = resolve_client_socket(e, &tried);
  // Nothing at the XDG place yet (and, on a test machine, hopefully nothing system-wide).
  if (!is_socket("/run/wgmesh.sock") && !is_socket("/var/run/wgmesh.sock")) {
    EXPECT_EQ(none, "/run/wgmesh.sock") << "the first candidate names the likeliest place";
    wgmesh::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s/wgmesh.sock", d.path().c_str());
    ASSERT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(resolve_client_socket(e), d.path() + "/wgmesh.sock");
  }
  EXPECT_EQ(tried.size(), 4u);
}
