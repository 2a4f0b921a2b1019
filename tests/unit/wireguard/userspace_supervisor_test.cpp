#include "wireguard/userspace_supervisor.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "fake_programs.h"
#include "fake_uapi_server.h"

namespace wgmesh::wg {
namespace {

using namespace std::chrono_literals;
using testing::FakePrograms;

class Supervisor : public ::testing::Test {
 protected:
  FakePrograms programs;

  SupervisorOptions options(const std::string& program) {
    SupervisorOptions o;
    o.ifname = "wgsup" + std::to_string(getpid() % 100000);
    o.program = program;
    o.socket_dir = programs.dir();
    o.log_path = programs.dir() + "/child.log";
    o.extra_env = {"SOCKDIR=" + programs.dir()};
    o.ready_timeout = 30000ms;  // generous: python startup on a loaded 2-core machine is slow
    o.stop_timeout = 2000ms;
    return o;
  }
  std::string log() {
    std::ifstream in(programs.dir() + "/child.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static bool process_gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }
};

TEST_F(Supervisor, StartsWaitsForSocketAndStops) {
  // An fd without O_CLOEXEC, as a careless plugin might leave open: must not leak.
  const int leaky = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(leaky, 3);
  auto o = options(programs.uapi_server());
  o.log_level = "verbose";
  UserspaceSupervisor sup(o);
  auto st = sup.start();
  ::close(leaky);
  ASSERT_TRUE(st) << st.message();
  EXPECT_TRUE(sup.running());
  EXPECT_GT(sup.pid(), 0);
  EXPECT_TRUE(uapi_socket_live(sup.socket_path()));
  EXPECT_TRUE(sup.start());  // already running: nothing to do
  const std::string out = log();
  EXPECT_NE(out.find("LOG_LEVEL=verbose"), std::string::npos) << out;
  EXPECT_NE(out.find("fds=0,1,2,3\n"), std::string::npos) << out;  // 3: the listing itself

  const pid_t pid = sup.pid();
  ASSERT_TRUE(sup.stop());
  EXPECT_FALSE(sup.running());
  EXPECT_EQ(sup.exit_description(), "killed by signal 15");
  EXPECT_TRUE(process_gone(pid));
  EXPECT_TRUE(sup.stop());  // idempotent
}

TEST_F(Supervisor, EarlyExitIsReportedWithTheLog) {
  UserspaceSupervisor sup(options(programs.failing()));
  auto st = sup.start();
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("exited with status 3"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("boom: cannot create TUN"), std::string::npos) << st.message();
  EXPECT_FALSE(sup.running());
}

TEST_F(Supervisor, NoSocketWithinTheTimeoutStopsTheChild) {
  auto o = options(programs.sleeper());
  o.ready_timeout = 300ms;
  UserspaceSupervisor sup(o);
  const auto t0 = std::chrono::steady_clock::now();
  auto st = sup.start();
  ASSERT_FALSE(st);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_NE(st.message().find("did not create"), std::string::npos) << st.message();
  EXPECT_FALSE(sup.running());
  EXPECT_TRUE(process_gone(sup.pid()));
}

TEST_F(Supervisor, StubbornChildIsKilled) {
  auto o = options(programs.uapi_server(/*ignore_term=*/true));
  o.stop_timeout = 300ms;
  UserspaceSupervisor sup(o);
  {
    auto started = sup.start();
    ASSERT_TRUE(started) << started.message();
  }
  auto st = sup.stop();
  EXPECT_FALSE(st);
  EXPECT_NE(st.message().find("ignored SIGTERM"), std::string::npos) << st.message();
  EXPECT_EQ(sup.exit_description(), "killed by signal 9");
  EXPECT_TRUE(process_gone(sup.pid()));
}

TEST_F(Supervisor, NoticesAChildThatDies) {
  UserspaceSupervisor sup(options(programs.uapi_server()));
  {
    auto started = sup.start();
    ASSERT_TRUE(started) << started.message();
  }
  ASSERT_GE(sup.pidfd(), 0);
  ::kill(sup.pid(), SIGKILL);
  pollfd p{sup.pidfd(), POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 5000), 1);  // an event loop would wake up here
  EXPECT_FALSE(sup.running());
  EXPECT_EQ(sup.exit_description(), "killed by signal 9");
}

TEST_F(Supervisor, DestructorStopsTheChild) {
  pid_t pid = -1;
  {
    UserspaceSupervisor sup(options(programs.uapi_server()));
    {
      auto started = sup.start();
      ASSERT_TRUE(started) << started.message();
    }
    pid = sup.pid();
  }
  EXPECT_TRUE(process_gone(pid));
}

// Dead or a zombie waiting for init: either way no longer running.
bool dead_or_zombie(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const auto close = line.rfind(')');
  return close == std::string::npos || line.substr(close + 2, 1) == "Z";
}

TEST_F(Supervisor, ChildDiesWithACrashedDaemon) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto o = options(programs.uapi_server());
  const pid_t daemon = ::fork();
  if (daemon == 0) {  // the "daemon": starts the child, then dies without stopping it
    ::close(fds[0]);
    UserspaceSupervisor sup(o);
    const pid_t child = sup.start() ? sup.pid() : -1;
    (void)!::write(fds[1], &child, sizeof child);
    ::_exit(0);  // like a crash: no destructor runs
  }
  ::close(fds[1]);
  pid_t child = -1;
  ASSERT_EQ(::read(fds[0], &child, sizeof child), static_cast<ssize_t>(sizeof child));
  ::close(fds[0]);
  ::waitpid(daemon, nullptr, 0);
  ASSERT_GT(child, 0);
  bool gone = false;
  for (int i = 0; i < 300 && !gone; ++i) {
    gone = dead_or_zombie(child);
    if (!gone) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(gone) << "the child outlived the process that supervised it";
  if (!gone) ::kill(child, SIGKILL);
}

TEST_F(Supervisor, MissingProgram) {
  UserspaceSupervisor sup(options("wgmesh-no-such-program"));
  auto st = sup.start();
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("not found in PATH"), std::string::npos) << st.message();
}

TEST_F(Supervisor, RefusesAnInterfaceServedByAnotherProcess) {
  testing::FakeUapiServer other("wgbusy0");
  auto o = options(programs.uapi_server());
  o.ifname = other.ifname();
  o.socket_dir = other.dir();
  UserspaceSupervisor sup(o);
  auto st = sup.start();
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("already served"), std::string::npos) << st.message();
  EXPECT_EQ(sup.pid(), -1);
}

TEST_F(Supervisor, RejectsBadInterfaceNames) {
  auto o = options(programs.uapi_server());
  o.ifname = "this-name-is-too-long";
  EXPECT_FALSE(UserspaceSupervisor(o).start());
  o.ifname = "";
  EXPECT_FALSE(UserspaceSupervisor(o).start());
}

TEST(FindProgram, SearchesPath) {
  EXPECT_EQ(find_program("sh").empty(), false);
  EXPECT_EQ(find_program("/bin/sh"), "/bin/sh");
  EXPECT_TRUE(find_program("wgmesh-no-such-program").empty());
  EXPECT_TRUE(find_program("/nonexistent/sh").empty());
}

}  // namespace
}  // namespace wgmesh::wg
