// The host function table as a plugin sees it, driven directly (no .so).
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <cstring>
#include <netinet/in.h>

#include "runtime/plugin_context.h"

using namespace wgmesh;

namespace {
struct Host {
  EventLoop loop;
  Metrics metrics;
  RpcRegistry rpc;
  ServiceRegistry services;
  HostCore core{loop, metrics, rpc, services, nullptr, ::testing::TempDir(), "{}"};
  wgm_ctx ctx{core, "t", "{}"};
  const wgm_host_api* api = host_api_table();
};

struct CloseInCallback {
  const wgm_host_api* api;
  wgm_ctx* ctx;
  wgm_udp* sock = nullptr;
  int received = 0;
};
}  // namespace

TEST(HostTable, TableHeaderAndMeshlessCalls) {
  Host h;
  EXPECT_EQ(h.api->struct_size, sizeof(wgm_host_api));
  EXPECT_EQ(h.api->abi_major, WGMESH_ABI_MAJOR);
  EXPECT_TRUE(WGM_HOST_HAS(h.api, native_uv_loop));
  char buf[32];
  EXPECT_EQ(h.api->key_value(&h.ctx, "gossip_port", buf, sizeof buf), WGM_ERR_STATE) << "no mesh: no keys";
  EXPECT_EQ(h.api->peer_count(&h.ctx, 0), 0u);
  EXPECT_EQ(h.api->native_uv_loop(&h.ctx), nullptr) << "only for plugins that declared it";
}

TEST(HostTable, ClosingASocketInsideItsReceiveCallbackIsSafe) {
  Host h;
  CloseInCallback state{h.api, &h.ctx};
  wgm_udp_options o{};
  o.struct_size = sizeof o;
  o.family = AF_INET;
  o.bind_addr = "127.0.0.1";
  ASSERT_EQ(h.api->udp_open(
                &h.ctx, &o,
                [](void* user, const uint8_t*, size_t, const sockaddr*, socklen_t) {
                  auto* s = static_cast<CloseInCallback*>(user);
                  ++s->received;
                  s->api->udp_close(s->ctx, s->sock);  // e.g. a STUN client done after its reply
                },
                &state, &state.sock),
            WGM_OK);
  int port = h.api->udp_local_port(&h.ctx, state.sock);
  ASSERT_GT(port, 0);
  // Several datagrams queued at once: the socket's read loop must stop after the close.
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  for (int i = 0; i < 5; ++i) sendto(fd, "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  close(fd);
  h.loop.run_until([&] { return state.received > 0; }, 2000);
  h.loop.run_until([] { return false; }, 50);  // let the deferred free run
  EXPECT_EQ(state.received, 1);
}

TEST(HostTable, TimersFireAndStop) {
  Host h;
  int fired = 0;
  wgm_timer* t = h.api->timer_start(&h.ctx, 1, 1, [](void* u) { ++*static_cast<int*>(u); }, &fired);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(h.loop.run_until([&] { return fired >= 3; }, 2000));
  h.api->timer_stop(&h.ctx, t);
  int at_stop = fired;
  h.loop.run_until([] { return false; }, 30);
  EXPECT_EQ(fired, at_stop);
}

#include <sys/un.h>

#include "daemon/service_notify.h"

TEST(ServiceNotify, SendsTheStateToNotifySocket) {
  std::string path = ::testing::TempDir() + "/notify-" + std::to_string(getpid());
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  setenv("NOTIFY_SOCKET", path.c_str(), 1);
  EXPECT_TRUE(notify_service_manager("READY=1\nSTATUS=running"));
  char buf[64] = {0};
  ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
  EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), "READY=1\nSTATUS=running");
  unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(notify_service_manager("READY=1")) << "not under systemd: nothing to tell";
  close(fd);
  unlink(path.c_str());
}
