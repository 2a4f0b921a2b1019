#include "wireguard/uapi_backend.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fake_uapi_server.h"
#include "test_keys.h"
#include "wireguard/uapi_protocol.h"

namespace wgmesh::wg {
namespace {

using namespace std::chrono_literals;
using testing::FakeUapiServer;
using testing::prefix;
using testing::test_key;

UapiBackend backend_for(const FakeUapiServer& s, std::chrono::milliseconds timeout = 2000ms) {
  UapiOptions o;
  o.ifname = s.ifname();
  o.socket_dir = s.dir();
  o.io_timeout = timeout;
  return UapiBackend(o);
}

DeviceUpdate many_peers(uint32_t n) {
  DeviceUpdate u;
  for (uint32_t i = 0; i < n; ++i) {
    PeerConfig p;
    p.public_key = test_key(i);
    p.preshared_key = test_key(i, 1);
    p.allowed_ips = {prefix("100.64.0.0/32"), prefix("10.0.0.0/16")};
    u.peers.push_back(p);
  }
  return u;
}

TEST(UapiBackend, GetDevice) {
  FakeUapiServer server;
  std::string request;
  server.serve([&](int fd) {
    request = FakeUapiServer::read_request(fd);
    FakeUapiServer::write_all(fd, "listen_port=51820\npublic_key=" + test_key(1).to_hex() +
                                      "\nallowed_ip=100.64.0.1/32\nerrno=0\n\n");
  });
  auto b = backend_for(server);
  auto dev = b.get_device();
  server.join();
  ASSERT_TRUE(dev) << dev.message();
  EXPECT_EQ(request, "get=1\n\n");
  EXPECT_EQ(dev->ifname, "wgfake0");
  EXPECT_EQ(dev->listen_port, 51820);
  ASSERT_EQ(dev->peers.size(), 1u);
  EXPECT_EQ(dev->peers[0].public_key, test_key(1));
}

// What a server that answers errno=0 received for `u`.
std::string request_received_for(const DeviceUpdate& u) {
  FakeUapiServer server;
  std::string request;
  server.serve([&](int fd) {
    request = FakeUapiServer::read_request(fd);
    FakeUapiServer::write_all(fd, "errno=0\n\n");
  });
  auto b = backend_for(server);
  EXPECT_TRUE(b.set_device(u));
  server.join();
  return request;
}

TEST(UapiBackend, SetDeviceSendsTheEncodedRequest) {
  DeviceUpdate u = many_peers(3);
  u.listen_port = 1234;
  EXPECT_EQ(request_received_for(u), *uapi::encode_set(u));
}

TEST(UapiBackend, ALargeSetArrivesWholeAcrossBatches) {
  DeviceUpdate u = many_peers(3000);  // ~1 MB: many 64 KiB batches
  u.private_key = test_key(99);
  const std::string request = request_received_for(u);
  EXPECT_GT(request.size(), 512u * 1024);
  EXPECT_EQ(request, *uapi::encode_set(u));
}

TEST(UapiBackend, SetDeviceReportsErrno) {
  FakeUapiServer server;
  server.serve([](int fd) {
    FakeUapiServer::read_request(fd);
    FakeUapiServer::write_all(fd, "errno=-98\n\n");
  });
  auto b = backend_for(server);
  DeviceUpdate u;
  u.listen_port = 1;
  auto st = b.set_device(u);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("Address already in use"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("wgfake0"), std::string::npos) << st.message();
}

TEST(UapiBackend, EarlyErrorReplyDuringALargeWriteIsReported) {
  FakeUapiServer server;
  server.serve([](int fd) {
    char buf[1000];
    (void)!::read(fd, buf, sizeof buf);  // a bad line early on, like wireguard-go
    FakeUapiServer::write_all(fd, "errno=-22\n\n");
    // and it stops reading: closing the connection with the rest unread
  });
  auto b = backend_for(server);
  auto st = b.set_device(many_peers(8000));  // ~2.5 MB, far above the socket buffers
  server.join();
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("Invalid argument"), std::string::npos) << st.message();
}

TEST(UapiBackend, SilentServerTimesOutInsteadOfHanging) {
  FakeUapiServer server;
  server.serve([](int fd) {
    FakeUapiServer::read_request(fd);
    FakeUapiServer::wait_for_hangup(fd);
  });
  auto b = backend_for(server, 200ms);
  const auto t0 = std::chrono::steady_clock::now();
  auto dev = b.get_device();
  const auto took = std::chrono::steady_clock::now() - t0;
  server.join();
  ASSERT_FALSE(dev);
  EXPECT_NE(dev.message().find("no progress"), std::string::npos) << dev.message();
  EXPECT_LT(took, 2s);
}

TEST(UapiBackend, ServerThatStopsReadingTimesOut) {
  FakeUapiServer server;
  server.serve([](int fd) { FakeUapiServer::wait_for_hangup(fd); });
  auto b = backend_for(server, 200ms);
  const auto t0 = std::chrono::steady_clock::now();
  auto st = b.set_device(many_peers(8000));
  const auto took = std::chrono::steady_clock::now() - t0;
  server.join();
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("no progress"), std::string::npos) << st.message();
  EXPECT_LT(took, 2s);
}

TEST(UapiBackend, TruncatedReplyIsAnError) {
  FakeUapiServer server;
  server.serve([](int fd) {
    FakeUapiServer::read_request(fd);
    FakeUapiServer::write_all(fd, "listen_port=1\npublic_key=");  // then hangs up
  });
  auto b = backend_for(server);
  auto dev = b.get_device();
  server.join();
  ASSERT_FALSE(dev);
  EXPECT_NE(dev.message().find("truncated"), std::string::npos) << dev.message();
}

TEST(UapiBackend, OversizedReplyIsRefused) {
  FakeUapiServer server;
  server.serve([](int fd) {
    FakeUapiServer::read_request(fd);
    FakeUapiServer::write_all(fd, std::string(3u << 20, 'x'));
  });
  UapiOptions o;
  o.ifname = server.ifname();
  o.socket_dir = server.dir();
  o.max_response_bytes = 1u << 20;
  UapiBackend b(o);
  auto dev = b.get_device();
  server.join();
  ASSERT_FALSE(dev);
  EXPECT_NE(dev.message().find("exceeds"), std::string::npos) << dev.message();
}

TEST(UapiBackend, MissingSocket) {
  UapiOptions o;
  o.ifname = "wgnothere0";
  o.socket_dir = "/nonexistent-wgmesh-dir";
  UapiBackend b(o);
  EXPECT_FALSE(b.interface_exists());
  auto dev = b.get_device();
  ASSERT_FALSE(dev);
  EXPECT_NE(dev.message().find("cannot connect"), std::string::npos) << dev.message();
  auto st = b.create_interface();  // no supervisor: cannot start one
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("wireguard-go"), std::string::npos) << st.message();
  EXPECT_TRUE(b.delete_interface());  // nothing there: nothing to do
}

TEST(UapiBackend, AdoptsAnExistingServer) {
  FakeUapiServer server;
  auto b = backend_for(server);
  EXPECT_TRUE(b.interface_exists());
  EXPECT_TRUE(b.create_interface());
  EXPECT_EQ(b.name(), "userspace");
}

// Answers every request on one connection until the client hangs up, as wireguard-go does;
// records each request.
void answer_until_hangup(int fd, std::vector<std::string>& requests) {
  while (true) {
    std::string req = FakeUapiServer::read_request(fd);
    if (req.empty()) return;
    requests.push_back(req);
    FakeUapiServer::write_all(
        fd, req.rfind("get=1", 0) == 0 ? "listen_port=51820\nerrno=0\n\n" : "errno=0\n\n");
  }
}

TEST(UapiBackend, KeepsOneConnectionForManyRequests) {
  FakeUapiServer server;
  std::vector<std::string> requests;
  server.serve([&](int fd) { answer_until_hangup(fd, requests); });
  {
    auto b = backend_for(server);
    ASSERT_TRUE(b.get_device());
    DeviceUpdate u = many_peers(2);
    ASSERT_TRUE(b.set_device(u));
    auto dev = b.get_device();
    ASSERT_TRUE(dev) << dev.message();
    EXPECT_EQ(dev->listen_port, 51820);
    EXPECT_EQ(b.connections_opened(), 1u);
  }  // the backend closes its connection: the server's loop ends
  server.join();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0], "get=1\n\n");
  EXPECT_EQ(requests[1], *uapi::encode_set(many_peers(2)));
  EXPECT_EQ(requests[2], "get=1\n\n");
}

TEST(UapiBackend, ReconnectsWhenTheServerClosedTheKeptConnection) {
  // One request per connection, then close: a server that works that way, or a
  // wireguard-go that restarted between two requests.
  FakeUapiServer server;
  int served = 0;
  server.serve(
      [&](int fd) {
        FakeUapiServer::read_request(fd);
        FakeUapiServer::write_all(fd, "listen_port=" + std::to_string(++served) + "\nerrno=0\n\n");
      },
      3);
  auto b = backend_for(server);
  for (int i = 1; i <= 3; ++i) {
    // The close must have reached us before the next request: it is checked, not raced.
    if (i > 1) std::this_thread::sleep_for(20ms);
    auto dev = b.get_device();
    ASSERT_TRUE(dev) << i << ": " << dev.message();
    EXPECT_EQ(dev->listen_port, i);
  }
  server.join();
  EXPECT_EQ(b.connections_opened(), 3u);
}

TEST(UapiBackend, FallsBackToAConnectionPerRequestForAServerThatIgnoresASecond) {
  FakeUapiServer server;
  int connection = 0;
  server.serve(
      [&](int fd) {
        ++connection;
        FakeUapiServer::read_request(fd);
        FakeUapiServer::write_all(fd, "listen_port=7\nerrno=0\n\n");
        // The first connection stays open but is never read again.
        if (connection == 1) FakeUapiServer::wait_for_hangup(fd);
      },
      3);
  auto b = backend_for(server, 200ms);
  ASSERT_TRUE(b.get_device());
  auto second = b.get_device();  // times out on the kept connection, then asks afresh
  ASSERT_TRUE(second) << second.message();
  EXPECT_EQ(second->listen_port, 7);
  EXPECT_EQ(b.connections_opened(), 2u);
  ASSERT_TRUE(b.get_device());  // from now on a new connection per request
  EXPECT_EQ(b.connections_opened(), 3u);
  server.join();
}

TEST(UapiBackend, AFailedSetNeverReusesItsConnection) {
  FakeUapiServer server;
  std::vector<std::string> second_requests;
  int connection = 0;
  server.serve(
      [&](int fd) {
        if (++connection == 1) {
          FakeUapiServer::read_request(fd);
          FakeUapiServer::write_all(fd, "errno=-22\n\n");
          FakeUapiServer::wait_for_hangup(fd);  // open, but out of step: must not be reused
        } else {
          answer_until_hangup(fd, second_requests);
        }
      },
      2);
  {
    auto b = backend_for(server);
    DeviceUpdate u;
    u.listen_port = 1;
    EXPECT_FALSE(b.set_device(u));
    ASSERT_TRUE(b.get_device());
    EXPECT_EQ(b.connections_opened(), 2u);
  }
  server.join();
  ASSERT_EQ(second_requests.size(), 1u);
  EXPECT_EQ(second_requests[0], "get=1\n\n");
}

TEST(UapiBackend, OneConnectionPerRequestWhenAskedTo) {
  FakeUapiServer server;
  server.serve(
      [&](int fd) {
        FakeUapiServer::read_request(fd);
        FakeUapiServer::write_all(fd, "errno=0\n\n");
        FakeUapiServer::wait_for_hangup(fd);  // would serve more, but the client closes
      },
      2);
  UapiOptions o;
  o.ifname = server.ifname();
  o.socket_dir = server.dir();
  o.io_timeout = 2000ms;
  o.keep_connection = false;
  UapiBackend b(o);
  ASSERT_TRUE(b.get_device());
  ASSERT_TRUE(b.get_device());
  EXPECT_EQ(b.connections_opened(), 2u);
  server.join();
}

TEST(UapiBackend, ThePublicKeyIsRightOnEveryReadOfAKeptConnection) {
  const Key priv = Key::generate_private();
  FakeUapiServer server;
  server.serve([&](int fd) {
    for (int i = 0; i < 3; ++i) {
      FakeUapiServer::read_request(fd);
      FakeUapiServer::write_all(fd, "private_key=" + priv.to_hex() + "\nerrno=0\n\n");
    }
  });
  auto b = backend_for(server);
  for (int i = 0; i < 3; ++i) {
    auto dev = b.get_device();
    ASSERT_TRUE(dev) << dev.message();
    EXPECT_EQ(dev->public_key, priv.public_key());
  }
  server.join();
}

TEST(PublicKeyMemo, RecomputesOnlyForANewPrivateKey) {
  PublicKeyMemo memo;
  const Key a = Key::generate_private(), b = Key::generate_private();
  EXPECT_EQ(memo.public_of(a), a.public_key());
  EXPECT_EQ(memo.public_of(a), a.public_key());
  EXPECT_EQ(memo.derivations(), 1u);
  EXPECT_EQ(memo.public_of(b), b.public_key());
  EXPECT_EQ(memo.public_of(a), a.public_key());
  EXPECT_EQ(memo.derivations(), 3u);
}

}  // namespace
}  // namespace wgmesh::wg
