#include "wireguard/backend_factory.h"

#include <gtest/gtest.h>

#include "fake_programs.h"
#include "fake_uapi_server.h"

namespace wgmesh::wg {
namespace {

TEST(BackendFactory, ParsesKinds) {
  EXPECT_EQ(*parse_backend_kind("auto"), BackendKind::kAuto);
  EXPECT_EQ(*parse_backend_kind("kernel"), BackendKind::kKernel);
  EXPECT_EQ(*parse_backend_kind("userspace"), BackendKind::kUserspace);
  auto bad = parse_backend_kind("wireguard-go");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.message().find("auto, kernel or userspace"), std::string::npos);
}

TEST(BackendFactory, RejectsBadInterfaceName) {
  BackendOptions o;
  o.ifname = "0123456789abcdef";  // 16 characters
  EXPECT_FALSE(make_backend(o));
}

TEST(BackendFactory, ForcedKernelExplainsWhyNot) {
  BackendOptions o;
  o.kind = BackendKind::kKernel;
  std::string why;
  auto b = make_backend(o);
  if (KernelBackend::available(&why)) {
    ASSERT_TRUE(b) << b.message();
    EXPECT_EQ((*b)->name(), "kernel");
  } else {
    ASSERT_FALSE(b);
    EXPECT_NE(b.message().find("'kernel' requested"), std::string::npos) << b.message();
    EXPECT_NE(b.message().find("\"wireguard\" not found"), std::string::npos) << b.message();
  }
}

TEST(BackendFactory, ForcedUserspaceNeedsTheProgram) {
  BackendOptions o;
  o.kind = BackendKind::kUserspace;
  o.ifname = "wgfact0";
  o.uapi.socket_dir = "/nonexistent-wgmesh-dir";
  o.supervisor.program = "wgmesh-no-such-wireguard-go";
  auto b = make_backend(o);
  ASSERT_FALSE(b);
  EXPECT_NE(b.message().find("wgmesh-no-such-wireguard-go' not found"), std::string::npos)
      << b.message();
}

TEST(BackendFactory, UserspaceStartsAndStopsItsProgram) {
  testing::FakePrograms programs;
  BackendOptions o;
  o.kind = BackendKind::kUserspace;
  o.ifname = "wgfact" + std::to_string(getpid() % 100000);
  o.uapi.socket_dir = programs.dir();
  o.supervisor.program = programs.uapi_server();
  o.supervisor.extra_env = {"SOCKDIR=" + programs.dir()};
  o.supervisor.ready_timeout = std::chrono::seconds(30);  // slow python start under load
  auto b = make_backend(o);
  ASSERT_TRUE(b) << b.message();
  EXPECT_EQ((*b)->name(), "userspace");
  EXPECT_FALSE((*b)->interface_exists());
  auto created = (*b)->create_interface();
  ASSERT_TRUE(created) << created.message();
  EXPECT_TRUE((*b)->interface_exists());
  auto* uapi = dynamic_cast<UapiBackend*>(b->get());
  ASSERT_NE(uapi, nullptr);
  ASSERT_NE(uapi->supervisor(), nullptr);
  const pid_t pid = uapi->supervisor()->pid();
  ASSERT_TRUE((*b)->delete_interface());
  EXPECT_NE(::kill(pid, 0), 0);
}

TEST(BackendFactory, AutoAdoptsALiveUserspaceInterface) {
  testing::FakeUapiServer running("wgadopt0");
  BackendOptions o;
  o.ifname = running.ifname();
  o.uapi.socket_dir = running.dir();
  auto b = make_backend(o);
  ASSERT_TRUE(b) << b.message();
  EXPECT_EQ((*b)->name(), "userspace");
  auto* uapi = dynamic_cast<UapiBackend*>(b->get());
  ASSERT_NE(uapi, nullptr);
  EXPECT_EQ(uapi->supervisor(), nullptr);  // someone else's process: never started or stopped
}

TEST(BackendFactory, AutoFallsBackToUserspaceWithoutTheModule) {
  if (KernelBackend::available()) GTEST_SKIP() << "this kernel has WireGuard";
  testing::FakePrograms programs;
  BackendOptions o;
  o.ifname = "wgauto0";
  o.uapi.socket_dir = programs.dir();
  o.supervisor.program = programs.uapi_server();
  auto b = make_backend(o);
  ASSERT_TRUE(b) << b.message();
  EXPECT_EQ((*b)->name(), "userspace");
  o.spawn_userspace = false;
  auto none = make_backend(o);
  ASSERT_FALSE(none);
  EXPECT_NE(none.message().find("spawning one is disabled"), std::string::npos) << none.message();
}

TEST(KernelBackendOnThisMachine, FailsCleanlyWithoutTheModule) {
  std::string why;
  if (KernelBackend::available(&why)) GTEST_SKIP() << "this kernel has WireGuard";
  EXPECT_NE(why.find("no WireGuard module"), std::string::npos) << why;
  KernelBackend k(KernelOptions{"wgk0"});
  auto dev = k.get_device();
  ASSERT_FALSE(dev);
  EXPECT_NE(dev.message().find("\"wireguard\" not found"), std::string::npos) << dev.message();
  DeviceUpdate u;
  u.listen_port = 1;
  EXPECT_FALSE(k.set_device(u));
  EXPECT_FALSE(k.interface_exists());
}

}  // namespace
}  // namespace wgmesh::wg
