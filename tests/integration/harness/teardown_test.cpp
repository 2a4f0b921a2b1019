// However a test using a bed ends — a failed ASSERT, an exception, SIGTERM, even SIGKILL —
// nothing stays behind (for SIGKILL: after the next sweep). Each case runs a deliberately
// failing test (failing_child.cpp) as a child process and inspects what it left.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <sstream>

#include "harness/testbed.h"
#include "test_support.h"

namespace {

using namespace wgmesh::testbed;
using namespace wgmesh::testbed::test;
using namespace std::chrono_literals;

struct ChildBed {
  std::string prefix;
  std::string dir;
  pid_t program = 0;
};

class Teardown : public ::testing::Test {
 protected:
  void SetUp() override {
    WGMESH_REQUIRE_ROOT();
    report_ = ::testing::TempDir() + "/harness_child_report_" + std::to_string(::getpid());
    std::remove(report_.c_str());
  }
  void TearDown() override { std::remove(report_.c_str()); }

  std::vector<std::string> child_argv(const std::string& test) const {
    return {FAILING_CHILD, "--gtest_filter=FailingChild." + test};
  }
  std::vector<std::string> child_env() const { return {"WGMESH_CHILD_REPORT=" + report_}; }

  ChildBed read_report() const {
    ChildBed bed;
    std::istringstream in(read_file(report_));
    in >> bed.prefix >> bed.dir >> bed.program;
    return bed;
  }

  void expect_clean(const ChildBed& bed) const {
    ASSERT_FALSE(bed.prefix.empty()) << "the child did not report its bed";
    EXPECT_TRUE(namespaces_of(bed.prefix).empty()) << bed.prefix;
    EXPECT_TRUE(wait_until([&] { return process_gone(bed.program); }, 5s)) << bed.program;
    EXPECT_FALSE(std::filesystem::exists(bed.dir)) << bed.dir;
  }

  std::string report_;
};

TEST_F(Teardown, AfterAFailedAssertion) {
  RunResult r = run_command(child_argv("AssertsEarly"), {.timeout = 120s, .env = child_env()});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("fails on purpose"), std::string::npos) << r.output;
  expect_clean(read_report());
}

TEST_F(Teardown, AfterAnException) {
  RunResult r = run_command(child_argv("Throws"), {.timeout = 120s, .env = child_env()});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("thrown on purpose"), std::string::npos) << r.output;
  expect_clean(read_report());
}

TEST_F(Teardown, AfterSigterm) {
  Process child = start_process(child_argv("WaitsForSignal"), {.env = child_env()});
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(report_); }, 60s));
  ChildBed bed = read_report();
  ASSERT_FALSE(namespaces_of(bed.prefix).empty());
  ASSERT_FALSE(process_gone(bed.program));
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(30s), 128 + SIGTERM);  // the handler re-raises after cleaning
  expect_clean(bed);
}

TEST_F(Teardown, AfterSigkillTheSweepFinishesTheJob) {
  Process child = start_process(child_argv("WaitsForSignal"), {.env = child_env()});
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(report_); }, 60s));
  ChildBed bed = read_report();
  child.signal(SIGKILL);
  EXPECT_EQ(child.wait_exit(30s), 128 + SIGKILL);
  // Its program died with it (PR_SET_PDEATHSIG); the namespaces could not be removed...
  EXPECT_TRUE(wait_until([&] { return process_gone(bed.program); }, 5s));
  EXPECT_FALSE(namespaces_of(bed.prefix).empty());
  // ...until the next bed (or cleanup-stale) sweeps beds whose process is gone.
  StaleCleanupReport report = sweep_dead_beds();
  EXPECT_TRUE(namespaces_of(bed.prefix).empty());
  EXPECT_EQ(report.namespaces.size(), 3u);
  std::filesystem::remove_all(bed.dir);  // the sweep keeps directories for debugging
}

}  // namespace
