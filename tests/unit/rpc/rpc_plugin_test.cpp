// The real wgmesh-rpc.so, loaded by the host's PluginManager, driven on the host loop while
// client threads talk to its socket: the wire protocol, async methods, every limit, the
// socket file rules and the peer-credential check.
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "core/error_codes.h"
#include "plugin_host.h"
#include "test_support.h"

using namespace wgmesh;
using namespace wgmesh::test;

namespace {

std::string cfg(const std::string& socket, const std::string& extra = "") {
  return R"({"socket_path":")" + socket + "\"" + (extra.empty() ? "" : "," + extra) + "}";
}

// Methods as the mesh layer will register them, with the canned answers of the spec's
// wire transcript (centralized-rpc-cli.md §7.8).
void register_transcript_methods(RpcRegistry& rpc) {
  (void)rpc.add("daemon.ping", "test", "ping", [](auto r, const std::string&) {
    r->reply(R"({"pong":true,"version":"v0.3.1"})");
  });
  (void)rpc.add("peers.get", "test", "one peer", [](auto r, const std::string& params) {
    rapidjson::Document d;
    d.Parse(params.c_str());
    std::string key = d.IsObject() && d.HasMember("pubkey") && d["pubkey"].IsString()
                          ? d["pubkey"].GetString()
                          : "";
    if (key.empty()) return (void)r->error(-32602, "missing or invalid 'pubkey' parameter");
    r->error(-32602, "peer not found: " + key);
  });
  (void)rpc.add("peers.count", "test", "counts",
                [](auto r, const std::string&) { r->reply(R"({"active":2,"total":3,"dead":1})"); });
  (void)rpc.add("test.echo", "test", "returns its params",
                [](auto r, const std::string& params) { r->reply(params); });
}

struct Fixture : ::testing::Test {
  TempDir dir;
  std::string sock = dir.file("rpc.sock");
  PluginHost host{dir.path()};
};

using RpcPlugin = Fixture;

}  // namespace

TEST_F(RpcPlugin, WireTranscriptOfTheOriginal) {
  register_transcript_methods(host.rpc);
  ASSERT_TRUE(host.start_plugin(cfg(sock))) << host.refusal();
  std::vector<std::string> got;
  ASSERT_TRUE(host.run_client([&] {
    LineClient c(sock);
    got.push_back(c.call(R"({"jsonrpc":"2.0","method":"daemon.ping","id":2})"));
    got.push_back(
        c.call(R"({"jsonrpc":"2.0","method":"peers.get","params":{"pubkey":"nope"},"id":3})"));
    got.push_back(c.call(R"({"jsonrpc":"2.0","method":"peers.count","id":4})"));
    got.push_back(c.call(R"({"jsonrpc":"2.0","method":"peers.count","id":5})"));
    got.push_back(c.call(R"({"jsonrpc":"1.0","method":"peers.count","id":5})"));
    got.push_back(c.call("not json"));
    got.push_back(c.call(R"({"jsonrpc":"2.0","method":"no.such","id":"x"})"));
    got.push_back(c.call(R"({"jsonrpc":"2.0","method":"peers.get","id":6})"));
  }));
  ASSERT_EQ(got.size(), 8u);
  EXPECT_EQ(got[0], R"({"jsonrpc":"2.0","result":{"pong":true,"version":"v0.3.1"},"id":2})");
  EXPECT_EQ(got[1],
            R"({"jsonrpc":"2.0","error":{"code":-32602,"message":"peer not found: nope"},"id":3})");
  EXPECT_EQ(got[2], R"({"jsonrpc":"2.0","result":{"active":2,"total":3,"dead":1},"id":4})");
  EXPECT_EQ(got[3], R"({"jsonrpc":"2.0","result":{"active":2,"total":3,"dead":1},"id":5})");
  EXPECT_EQ(
      got[4],
      R"({"jsonrpc":"2.0","error":{"code":-32600,"message":"invalid jsonrpc version, must be 2.0"},"id":5})");
  EXPECT_EQ(
      got[5].rfind(
          R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"failed to parse request: )", 0),
      0u)
      << got[5];
  EXPECT_NE(got[5].find(R"("id":null})"), std::string::npos);
  EXPECT_EQ(
      got[6],
      R"({"jsonrpc":"2.0","error":{"code":-32601,"message":"method not found: no.such"},"id":"x"})");
  EXPECT_EQ(
      got[7],
      R"({"jsonrpc":"2.0","error":{"code":-32602,"message":"missing or invalid 'pubkey' parameter"},"id":6})");
  EXPECT_EQ(host.counter("requests"), 8u);
  EXPECT_EQ(host.counter("errors"), 5u);
  EXPECT_EQ(host.counter("connections"), 1u);
}

TEST_F(RpcPlugin, RpcListShowsEveryRegisteredMethod) {
  register_transcript_methods(host.rpc);
  ASSERT_TRUE(host.start_plugin(cfg(sock))) << host.refusal();
  std::string got;
  ASSERT_TRUE(host.run_client(
      [&] { got = LineClient(sock).call(R"({"jsonrpc":"2.0","method":"rpc.list","id":1})"); }));
  for (const char* m : {"rpc.list", "daemon.ping", "peers.get", "peers.count", "test.echo"})
    EXPECT_NE(got.find(std::string("\"method\":\"") + m + "\""), std::string::npos) << m;
}

TEST_F(RpcPlugin, EnvelopeEdgeCases) {
  register_transcript_methods(host.rpc);
  ASSERT_TRUE(host.start_plugin(cfg(sock))) << host.refusal();
  std::vector<std::string> got;
  ASSERT_TRUE(host.run_client([&] {
    LineClient c(sock);
    for (
        const char* line :
        {R"({"jsonrpc":"2.0","method":"test.echo","params":{"b":[1,2],"a":"x"},"id":9007199254740993})",
         R"({"JSONRPC":"2.0","Method":"test.echo","ID":{"z":1,"a":2}})",  // Go matches names
                                                                          // case-insensitively
         R"({"jsonrpc":"2.0","method":"test.echo"})",  // notification: still answered, id null
         R"([{"jsonrpc":"2.0","method":"test.echo","id":1}])",             // batch: one parse error
         R"({"jsonrpc":"2.0","method":"test.echo","params":[1],"id":1})",  // positional params
         R"({"jsonrpc":2,"method":"test.echo","id":1})",                   // wrong member type
         "null",                                                           // empty request: -32600
         "",                                                               // empty line
         R"({"jsonrpc":"2.0","method":"test.echo","id":1.5})"}) {
      got.push_back(c.call(line));
    }
  }));
  ASSERT_EQ(got.size(), 9u);
  EXPECT_EQ(got[0], R"({"jsonrpc":"2.0","result":{"b":[1,2],"a":"x"},"id":9007199254740993})");
  EXPECT_EQ(got[1], R"({"jsonrpc":"2.0","result":{},"id":{"a":2,"z":1}})");
  EXPECT_EQ(got[2], R"({"jsonrpc":"2.0","result":{},"id":null})");
  EXPECT_EQ(
      got[3],
      R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"failed to parse request: batch requests are not supported"},"id":null})");
  EXPECT_NE(got[4].find(R"("code":-32700)"), std::string::npos) << got[4];
  EXPECT_NE(got[5].find(R"("code":-32700)"), std::string::npos) << got[5];
  EXPECT_EQ(
      got[6],
      R"({"jsonrpc":"2.0","error":{"code":-32600,"message":"invalid jsonrpc version, must be 2.0"},"id":null})");
  EXPECT_EQ(
      got[7],
      R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"failed to parse request: empty request"},"id":null})");
  EXPECT_EQ(got[8], R"({"jsonrpc":"2.0","result":{},"id":1.5})");
}

TEST_F(RpcPlugin, ManyLinesInOneWriteCrlfAndHalfClose) {
  register_transcript_methods(host.rpc);
  ASSERT_TRUE(host.start_plugin(cfg(sock))) << host.refusal();
  std::vector<std::string> got;
  bool closed = false;
  ASSERT_TRUE(host.run_client([&] {
    LineClient c(sock);
    std::string burst;
    for (int i = 1; i <= 50; ++i)
      burst += R"({"jsonrpc":"2.0","method":"test.echo","params":{"n":)" + std::to_string(i) +
               R"(},"id":)" + std::to_string(i) + (i % 2 ? "}\r\n" : "}\n");
    // The last request has no newline: it is answered once we shut down our side (EOF).
    burst += R"({"jsonrpc":"2.0","method":"test.echo","id":51})";
    c.send(burst);
    c.shutdown_write();
    while (auto line = c.read_line()) got.push_back(*line);
    closed = c.closed_by_server(2000);
  }));
  ASSERT_EQ(got.size(), 51u);
  for (int i = 1; i <= 50; ++i)
    EXPECT_EQ(got[i - 1], R"({"jsonrpc":"2.0","result":{"n":)" + std::to_string(i) + R"(},"id":)" +
                              std::to_string(i) + "}");
  EXPECT_EQ(got[50], R"({"jsonrpc":"2.0","result":{},"id":51})");
  EXPECT_TRUE(closed) << "after the last answer to a half-closed client the server closes";
}

TEST_F(RpcPlugin, AsyncRepliesKeepRequestOrder) {
  std::vector<std::unique_ptr<Timer>> timers;
  (void)host.rpc.add(
      "test.slow", "test", "answers after 80 ms", [&](auto r, const std::string& params) {
        timers.push_back(std::make_unique<Timer>(host.loop));
        timers.back()->start(80, 0, [r, params] { r->reply(R"({"slow":)" + params + "}"); });
      });
  register_transcript_methods(host.rpc);
  ASSERT_TRUE(host.start_plugin(cfg(sock))) << host.refusal();
  std::vector<std::string> got;
  ASSERT_TRUE(host.run_client([&] {
    LineClient c(sock);
    c.send(R"({"jsonrpc":"2.0","method":"test.slow","params":{"n":1},"id":1})"
           "\n"
           R"({"jsonrpc":"2.0","method":"test.echo","params":{"n":2},"id":2})"
           "\n"
           R"({"jsonrpc":"2.0","method":"test.slow","params":{"n":3},"id":3})"
           "\n");
    for (int i = 0; i < 3; ++i) got.push_back(c.read_line().value_or("<none>"));
  }));
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], R"({"jsonrpc":"2.0","result":{"slow":{"n":1}},"id":1})");
  EXPECT_EQ(got[1], R"({"jsonrpc":"2.0","result":{"n":2},"id":2})");
  EXPECT_EQ(got[2], R"({"jsonrpc":"2.0","result":{"slow":{"n":3}},"id":3})");
}

TEST_F(RpcPlugin, MethodReturningBadJsonGivesInternalError) {
  (void)host.rpc.add("test.bad", "test", "",
                     [](auto r, const std::string&) { r->reply("{not json"); });
  (void)host.rpc.add("test.pretty", "test", "",
                     [](auto r, const std::string&) { r->reply("{\n  \"a\": 1\n}"); });
  ASSERT_TRUE(host.start_plugin(cfg(sock))) << host.refusal();
  std::string bad, pretty;
  ASSERT_TRUE(host.run_client([&] {
    LineClient c(sock);
    bad = c.call(R"({"jsonrpc":"2.0","method":"test.bad","id":1})");
    pretty = c.call(R"({"jsonrpc":"2.0","method":"test.pretty","id":2})");
  }));
  EXPECT_EQ(
      bad,
      R"({"jsonrpc":"2.0","error":{"code":-32603,"message":"internal error: method returned invalid JSON"},"id":1})");
  EXPECT_EQ(pretty, R"({"jsonrpc":"2.0","result":{  "a": 1},"id":2})");
}

TEST_F(RpcPlugin, OversizedRequestIsAnsweredThenClosed) {
  register_transcript_methods(host.rpc);
  ASSERT_TRUE(host.start_plugin(cfg(sock, R"("max_request_bytes":1024)"))) << host.refusal();
  std::string first, second;
  bool closed = false;
  ASSERT_TRUE(host.run_client([&] {
    LineClient c(sock);
    // A good request, then a line that never ends: the first is answered, then the refusal.
    c.send(R"({"jsonrpc":"2.0","method":"daemon.ping","id":1})"
           "\n" +
           std::string(4000, 'x'));
    first = c.read_line().value_or("<none>");
    second = c.read_line().value_or("<none>");
    closed = c.closed_by_server(2000);
  }));
  EXPECT_EQ(first, R"({"jsonrpc":"2.0","result":{"pong":true,"version":"v0.3.1"},"id":1})");
  EXPECT_EQ(
      second,
      R"J({"jsonrpc":"2.0","error":{"code":-32003,"message":"request too large (limit 1024 bytes)"},"id":null})J");
  EXPECT_TRUE(closed);
  EXPECT_EQ(host.counter("oversized_requests"), 1u);
}

TEST_F(RpcPlugin, SlowLorisIsClosedAfterIdleTimeoutButActiveClientsStay) {
  register_transcript_methods(host.rpc);
  ASSERT_TRUE(host.start_plugin(cfg(sock, R"("idle_timeout_ms":200)"))) << host.refusal();
  bool loris_closed = false, active_alive = false;
  double loris_ms = 0;
  ASSERT_TRUE(host.run_client([&] {
    LineClient loris(sock), active(sock);
    auto t0 = std::chrono::steady_clock::now();
    // One byte every 40 ms never completes a line: that is idleness, not activity.
    std::string partial = R"({"jsonrpc":"2.0","method":"daemon.ping")";
    for (size_t i = 0; i < partial.size() && !loris_closed; ++i) {
      loris.send(partial.substr(i, 1));
      active.call(R"({"jsonrpc":"2.0","method":"daemon.ping","id":1})");
      loris_closed = loris.closed_by_server(40);
    }
    loris_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    active_alive = active.call(R"({"jsonrpc":"2.0","method":"daemon.ping","id":2})").find("pong") !=
                   std::string::npos;
  }));
  EXPECT_TRUE(loris_closed);
  EXPECT_GE(loris_ms, 190);
  EXPECT_LT(loris_ms, 1000);
  EXPECT_TRUE(active_alive);
  EXPECT_EQ(host.counter("idle_timeouts"), 1u);
}

// An idle daemon has no RPC client: the idle sweep must not wake it up every second then.
TEST_F(RpcPlugin, IdleSweepRunsOnlyWhileAConnectionIsOpen) {
  register_transcript_methods(host.rpc);
  // idle_timeout_ms / 4: the sweep's period, which tells its timer from the test loop's.
  ASSERT_TRUE(host.start_plugin(cfg(sock, R"("idle_timeout_ms":2000)"))) << host.refusal();
  auto sweep_timers = [&] {
    size_t n = 0;
    uv_walk(
        host.loop.raw(),
        [](uv_handle_t* h, void* arg) {
          if (h->type == UV_TIMER && uv_is_active(h) &&
              uv_timer_get_repeat(reinterpret_cast<uv_timer_t*>(h)) == 500)
            ++*static_cast<size_t*>(arg);
        },
        &n);
    return n;
  };
  EXPECT_EQ(sweep_timers(), 0u) << "no connection, no sweep";
  std::atomic<bool> answered{false}, checked{false};
  size_t while_open = 0;
  ASSERT_TRUE(host.run_client(
      [&] {
        LineClient c(sock);
        answered = c.call(R"({"jsonrpc":"2.0","method":"daemon.ping","id":1})").find("pong") !=
                   std::string::npos;
        while (!checked) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      },
      15000,
      [&] {
        if (answered && !checked) {
          while_open = sweep_timers();
          checked = true;
        }
      }));
  EXPECT_TRUE(answered);
  EXPECT_EQ(while_open, 1u) << "an open connection is swept for idleness";
  ASSERT_TRUE(host.loop.run_until([&] { return host.gauge("connections_open") == 0; }, 3000));
  EXPECT_EQ(sweep_timers(), 0u) << "the last connection gone, the sweep stops";
}

TEST_F(RpcPlugin, ConnectionLimitRefusesWithErrorAndCounts) {
  register_transcript_methods(host.rpc);
  ASSERT_TRUE(host.start_plugin(cfg(sock, R"("max_connections":2)"))) << host.refusal();
  std::string a, b, refused, after;
  bool refused_closed = false;
  ASSERT_TRUE(host.run_client([&] {
    auto c1 = std::make_unique<LineClient>(sock);
    LineClient c2(sock);
    a = c1->call(R"({"jsonrpc":"2.0","method":"daemon.ping","id":1})");
    b = c2.call(R"({"jsonrpc":"2.0","method":"daemon.ping","id":1})");
    LineClient c3(sock);
    refused = c3.read_line().value_or("<none>");
    refused_closed = c3.closed_by_server(2000);
    c1.reset();  // a slot frees up
    for (int i = 0; i < 50 && after.find("pong") == std::string::npos; ++i) {
      LineClient c4(sock);
      after = c4.call(R"({"jsonrpc":"2.0","method":"daemon.ping","id":1})");
      if (after.find("pong") == std::string::npos)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }));
  EXPECT_NE(a.find("pong"), std::string::npos);
  EXPECT_NE(b.find("pong"), std::string::npos);
  EXPECT_EQ(
      refused,
      R"J({"jsonrpc":"2.0","error":{"code":-32002,"message":"too many connections (limit 2)"},"id":null})J");
  EXPECT_TRUE(refused_closed);
  EXPECT_NE(after.find("pong"), std::string::npos);
  EXPECT_GE(host.counter("refused_limit"), 1u);
}

TEST_F(RpcPlugin, ClientGoneBeforeAsyncReply) {
  std::vector<std::shared_ptr<RpcResponder>> held;
  (void)host.rpc.add("test.hold", "test", "answers when the test says so",
                     [&](auto r, const std::string&) { held.push_back(r); });
  register_transcript_methods(host.rpc);
  ASSERT_TRUE(host.start_plugin(cfg(sock, R"("idle_timeout_ms":100)"))) << host.refusal();
  ASSERT_TRUE(host.run_client([&] {
    LineClient c(sock);
    c.send(R"({"jsonrpc":"2.0","method":"test.hold","id":1})"
           "\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    c.close();
  }));
  // The server notices the hang-up, drops the connection after the idle timeout, and a late
  // answer is discarded without harm.
  ASSERT_TRUE(host.loop.run_until([&] { return host.gauge("connections_open") == 0; }, 3000));
  ASSERT_EQ(held.size(), 1u);
  EXPECT_TRUE(held[0]->reply(R"({"late":true})"));
  EXPECT_EQ(host.counter("replies_abandoned"), 1u);
  // The daemon keeps serving.
  std::string got;
  ASSERT_TRUE(host.run_client(
      [&] { got = LineClient(sock).call(R"({"jsonrpc":"2.0","method":"daemon.ping","id":7})"); }));
  EXPECT_NE(got.find("pong"), std::string::npos);
}

TEST_F(RpcPlugin, ClientGoneWhileReplyIsWritten) {
  std::vector<std::shared_ptr<RpcResponder>> held;
  (void)host.rpc.add("test.hold", "test", "",
                     [&](auto r, const std::string&) { held.push_back(r); });
  ASSERT_TRUE(host.start_plugin(cfg(sock))) << host.refusal();
  ASSERT_TRUE(host.run_client([&] {
    LineClient c(sock);
    c.send(R"({"jsonrpc":"2.0","method":"test.hold","id":1})"
           "\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }));
  ASSERT_EQ(held.size(), 1u);
  std::string big = "[";
  for (int i = 0; i < 100000; ++i) big += "1,";
  big += "1]";
  held[0]->reply(big);  // 200 KB to a client that hung up: EPIPE, connection dropped
  ASSERT_TRUE(host.loop.run_until([&] { return host.gauge("connections_open") == 0; }, 3000));
}

TEST_F(RpcPlugin, UnloadWithUnansweredCallIsSafe) {
  std::vector<std::shared_ptr<RpcResponder>> held;
  (void)host.rpc.add("test.hold", "test", "",
                     [&](auto r, const std::string&) { held.push_back(r); });
  ASSERT_TRUE(host.start_plugin(cfg(sock))) << host.refusal();
  ASSERT_TRUE(host.run_client([&] {
    LineClient c(sock);
    c.send(R"({"jsonrpc":"2.0","method":"test.hold","id":1})"
           "\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }));
  ASSERT_EQ(held.size(), 1u);
  host.stop_plugin();  // destroy + dlclose while the call is open
  EXPECT_TRUE(held[0]->reply("{}"))
      << "the completion runs in the (pinned) plugin code without crashing";
  struct stat st {};
  EXPECT_NE(::lstat(sock.c_str(), &st), 0) << "socket file removed on stop";
}

TEST_F(RpcPlugin, SocketIsPrivateAndRemovedOnStop) {
  ASSERT_TRUE(host.start_plugin(cfg(sock))) << host.refusal();
  struct stat st {};
  ASSERT_EQ(::lstat(sock.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, ::geteuid());
  host.stop_plugin();
  EXPECT_NE(::lstat(sock.c_str(), &st), 0);
}

TEST_F(RpcPlugin, GroupSocketIs0660WithThatGroup) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown to another group";
  group* g = ::getgrnam("nogroup");
  if (!g) GTEST_SKIP() << "no group 'nogroup'";
  ASSERT_TRUE(host.start_plugin(cfg(sock, R"("group":"nogroup")"))) << host.refusal();
  struct stat st {};
  ASSERT_EQ(::lstat(sock.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0660u);
  EXPECT_EQ(st.st_gid, g->gr_gid);
}

TEST_F(RpcPlugin, RefusesToReplaceALiveDaemonsSocket) {
  ASSERT_TRUE(host.start_plugin(cfg(sock))) << host.refusal();
  PluginHost second(dir.path());
  EXPECT_FALSE(second.start_plugin(cfg(sock)));
  EXPECT_EQ(second.refusal(), "start failed (status -3)");
  // The first daemon still owns and serves its socket.
  register_transcript_methods(host.rpc);
  std::string got;
  ASSERT_TRUE(host.run_client(
      [&] { got = LineClient(sock).call(R"({"jsonrpc":"2.0","method":"daemon.ping","id":1})"); }));
  EXPECT_NE(got.find("pong"), std::string::npos);
}

TEST_F(RpcPlugin, RefusesToRemoveARegularFile) {
  { std::ofstream(sock) << "precious"; }
  EXPECT_FALSE(host.start_plugin(cfg(sock)));
  std::ifstream in(sock);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious");
}

TEST_F(RpcPlugin, ReplacesAStaleSocket) {
  {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock.c_str());
    ASSERT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }  // closed without unlink: what a crashed daemon leaves behind
  register_transcript_methods(host.rpc);
  ASSERT_TRUE(host.start_plugin(cfg(sock))) << host.refusal();
  std::string got;
  ASSERT_TRUE(host.run_client(
      [&] { got = LineClient(sock).call(R"({"jsonrpc":"2.0","method":"daemon.ping","id":1})"); }));
  EXPECT_NE(got.find("pong"), std::string::npos);
}

TEST_F(RpcPlugin, DoesNotRemoveASocketFileThatIsNoLongerItsOwn) {
  ASSERT_TRUE(host.start_plugin(cfg(sock))) << host.refusal();
  ASSERT_EQ(::unlink(sock.c_str()), 0);
  { std::ofstream(sock) << "someone else's"; }
  host.stop_plugin();
  struct stat st {};
  EXPECT_EQ(::lstat(sock.c_str(), &st), 0) << "stop must not delete a file it did not create";
}

TEST_F(RpcPlugin, InvalidConfigRefusesThePlugin) {
  for (const char* bad :
       {R"({"max_connections":0})", R"({"idle_timeout_ms":"1s"})", R"({"socket_path":""})",
        R"({"group":"no-such-group-xyz"})", R"({"max_request_bytes":-5})"}) {
    PluginHost h(dir.path());
    EXPECT_FALSE(h.start_plugin(bad)) << bad;
    EXPECT_EQ(h.refusal(), "create failed (status -1)") << bad;
  }
  PluginHost h(dir.path());
  EXPECT_FALSE(h.start_plugin(R"({"socket_path":")" + sock + R"(","colour":"red"})"));
  EXPECT_EQ(h.refusal(), "test.toml:1: unknown key 'plugins.rpc.colour'");
}

TEST_F(RpcPlugin, PeerCredentialsRefuseOtherUsers) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run a client as nobody";
  passwd* nobody = ::getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  register_transcript_methods(host.rpc);
  ASSERT_TRUE(host.start_plugin(cfg(sock))) << host.refusal();
  // Open the file permissions so only SO_PEERCRED stands in the way (defence in depth:
  // a mis-set mode or directory must not let other users in).
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(sock.c_str(), 0666), 0);
  std::string path = sock;
  int rc = run_as(
      nobody->pw_uid, nobody->pw_gid, {},
      [path] {
        LineClient c(path);
        if (!c.connected()) return 10;
        std::string line = c.read_line().value_or("");
        bool refused =
            line ==
            R"({"jsonrpc":"2.0","error":{"code":-32001,"message":"permission denied: uid )" +
                std::to_string(::getuid()) +
                R"J( may not use this socket (root, the daemon's user only)"},"id":null})J";
        return refused && c.closed_by_server(2000) ? 0 : 11;
      },
      [&] { host.loop.run_until([] { return false; }, 5); });
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(host.counter("refused_permission"), 1u);
  EXPECT_EQ(host.counter("connections"), 0u);
}

TEST_F(RpcPlugin, PeerCredentialsAllowTheConfiguredGroup) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run a client as nobody";
  passwd* nobody = ::getpwnam("nobody");
  group* g = ::getgrnam("nogroup");
  if (!nobody || !g) GTEST_SKIP() << "needs user nobody and group nogroup";
  register_transcript_methods(host.rpc);
  ASSERT_TRUE(host.start_plugin(cfg(sock, R"("group":"nogroup")"))) << host.refusal();
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  std::string path = sock;
  auto client = [path] {
    LineClient c(path);
    if (!c.connected()) return c.connect_errno() == EACCES ? 13 : 10;
    std::string line = c.call(R"({"jsonrpc":"2.0","method":"daemon.ping","id":1})");
    return line.find("pong") != std::string::npos ? 0 : 11;
  };
  auto drive = [&] { host.loop.run_until([] { return false; }, 5); };
  // A member (supplementary group) is served...
  EXPECT_EQ(run_as(nobody->pw_uid, 1, {g->gr_gid}, client, drive), 0);
  // ...a non-member cannot even open the 0660 socket.
  EXPECT_EQ(run_as(nobody->pw_uid, 1, {}, client, drive), 13);
}

TEST_F(RpcPlugin, ThroughputAndLatency) {
  register_transcript_methods(host.rpc);
  ASSERT_TRUE(host.start_plugin(cfg(sock))) << host.refusal();
  constexpr int kPipelined = 20000, kRoundTrips = 2000;
  double pipelined_s = 0, roundtrip_s = 0;
  int answered = 0;
  ASSERT_TRUE(host.run_client(
      [&] {
        LineClient c(sock, 20000);
        std::string req = R"({"jsonrpc":"2.0","method":"daemon.ping","id":1})"
                          "\n";
        auto t0 = std::chrono::steady_clock::now();
        std::thread writer([&] {
          LineClient* cp = &c;
          for (int i = 0; i < kPipelined; ++i) cp->send(req);
        });
        for (int i = 0; i < kPipelined; ++i)
          if (c.read_line()) ++answered;
        writer.join();
        pipelined_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < kRoundTrips; ++i) c.call(req.substr(0, req.size() - 1));
        roundtrip_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      },
      120000));
  EXPECT_EQ(answered, kPipelined);
  std::printf(
      "[ rpc perf ] pipelined: %.0f requests/s; sequential round trip: %.1f us mean (%d calls)\n",
      kPipelined / pipelined_s, roundtrip_s / kRoundTrips * 1e6, kRoundTrips);
}
