// Tests that fail on purpose, run as a child process by teardown_test.cpp to prove a bed is
// torn down however its test ends. Each writes "<prefix> <bed dir> <pid of a program in the
// bed>" to $WGMESH_CHILD_REPORT as soon as its bed is up.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "harness/testbed.h"

namespace {

using namespace wgmesh::testbed;

void report(TestBed& bed, const Process& program) {
  const char* path = std::getenv("WGMESH_CHILD_REPORT");
  ASSERT_NE(path, nullptr);
  std::ofstream tmp(std::string(path) + ".tmp");
  tmp << bed.prefix() << " " << bed.dir() << " " << program.pid() << "\n";
  tmp.close();
  std::rename((std::string(path) + ".tmp").c_str(), path);  // the parent never sees half a line
}

class FailingChild : public ::testing::Test {
 protected:
  void SetUp() override {
    bed_ = std::make_unique<TestBed>(TestBed::Options{.n_hosts = 2});
    program_ = bed_->host(1).spawn({"sleep", "1000"});
    report(*bed_, program_);
  }
  std::unique_ptr<TestBed> bed_;
  Process program_;
};

TEST_F(FailingChild, AssertsEarly) {
  ASSERT_TRUE(false) << "fails on purpose, before the test's own cleanup code";
  program_.kill_and_wait();  // never reached
}

TEST_F(FailingChild, Throws) { throw std::runtime_error("thrown on purpose from a test body"); }

// Sleeps until the parent sends a signal (SIGTERM: the handler cleans up; SIGKILL: only
// PR_SET_PDEATHSIG and the stale sweep can).
TEST_F(FailingChild, WaitsForSignal) { std::this_thread::sleep_for(std::chrono::seconds(120)); }

}  // namespace
