#include "harness/test_bed.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <set>
#include <stdexcept>

#include "harness/bed_builder.h"
#include "harness/bed_teardown.h"
#include "harness/nat_router.h"
#include "harness/netns_ops.h"
#include "harness/process_tracker.h"
#include "harness/signal_cleanup.h"
#include "harness/stale_cleanup.h"
#include "harness/sysctls.h"

namespace wgmesh::testbed {
namespace {

// Prefixes of the beds alive in this process: a second concurrent default bed becomes
// "wgm<pid>x2" (still recognised as ours by owner_pid()).
std::mutex g_prefix_mutex;
std::set<std::string> g_live_prefixes;

bool prefix_in_use(const std::string& prefix) {
  for (const auto& name : list_netns()) {
    if (name.rfind(prefix + "-", 0) == 0) return true;
  }
  return false;
}

std::string claim_prefix(const std::string& requested) {
  std::lock_guard lock(g_prefix_mutex);
  if (!requested.empty()) {
    if (!valid_prefix(requested)) throw std::invalid_argument("bad bed prefix: " + requested);
    if (g_live_prefixes.count(requested) != 0 || prefix_in_use(requested)) {
      throw std::runtime_error("namespaces named " + requested +
                               "-* exist already (wgmesh-testbed cleanup-stale " + requested + ")");
    }
    g_live_prefixes.insert(requested);
    return requested;
  }
  const std::string base = "wgm" + std::to_string(::getpid());
  std::string prefix = base;
  // Leftovers under our own name can only come from a process that had our PID before.
  for (int k = 2; g_live_prefixes.count(prefix) != 0 || prefix_in_use(prefix); ++k) {
    prefix = base + "x" + std::to_string(k);
  }
  g_live_prefixes.insert(prefix);
  return prefix;
}

void release_prefix(const std::string& prefix) {
  std::lock_guard lock(g_prefix_mutex);
  g_live_prefixes.erase(prefix);
}

bool keep_from_env() {
  const char* keep = std::getenv("WGMESH_KEEP_BED");
  return keep != nullptr && std::string(keep) == "1";
}

void make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  }
}

}  // namespace

TestBed::TestBed(Options options)
    : tracker_(std::make_shared<ProcessTracker>()), neigh_limits_(options.neigh_limits) {
  const auto started = std::chrono::steady_clock::now();
  if (::geteuid() != 0) throw std::runtime_error("TestBed needs root (network namespaces)");
  // Check the options before anything exists.
  plan_layout(options, "wgmcheck", "/check");
  if (options.sweep_stale) sweep_dead_beds();
  const std::string prefix = claim_prefix(options.prefix);
  keep_dir_ = options.keep_dir.value_or(keep_from_env());

  std::string dir = options.dir;
  bool owns_dir = dir.empty();
  try {
    if (owns_dir) {
      std::string tmpl = bed_tmp_root() + "/" + std::string(kBedDirStem) + prefix + "-XXXXXX";
      if (::mkdtemp(tmpl.data()) == nullptr) {
        throw std::runtime_error("mkdtemp " + tmpl + ": " + std::strerror(errno));
      }
      dir = tmpl;
    } else {
      make_dir(dir);
    }
    layout_ = plan_layout(options, prefix, dir);
    layout_.owns_dir = owns_dir;
  } catch (...) {
    if (owns_dir && !dir.empty()) ::rmdir(dir.c_str());
    release_prefix(prefix);
    throw;
  }

  // From here on every failure goes through teardown(); the script covers fatal signals.
  try {
    cleanup_script_ = std::make_unique<signal_cleanup::Script>(teardown_script(layout_, keep_dir_));
    signal_cleanup::install_handlers();
    build();
  } catch (...) {
    teardown();
    throw;
  }
  setup_time_ = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
}

void TestBed::build() {
  for (const auto& h : layout_.hosts) make_dir(h.dir);
  const bool raise = neigh_limits_ == NeighLimits::raise ||
                     (neigh_limits_ == NeighLimits::automatic && layout_.hosts.size() > 20);
  if (raise) raise_neigh_limits(layout_.dir + "/" + kSysctlRestoreFile);
  build_bed(layout_);
  for (const auto& h : layout_.hosts) hosts_.emplace_back(h, tracker_);
}

TestBed::~TestBed() { teardown(); }

TestHost& TestBed::host(int index) {
  if (index < 1 || index > size()) {
    throw std::out_of_range("no host " + std::to_string(index) + " in a bed of " +
                            std::to_string(size()));
  }
  return hosts_[static_cast<std::size_t>(index - 1)];
}

const RouterInfo& TestBed::router(int host_index) const {
  const RouterInfo* r = layout_.router_for(host_index);
  if (r == nullptr) throw std::out_of_range("host " + std::to_string(host_index) + " has no NAT");
  return *r;
}

void TestBed::nat_mode(int host_index, NatType type, int port) {
  const RouterInfo& r = router(host_index);
  apply_nat_mode(r.netns, type, layout_.host(host_index).ipv4, port);
  for (auto& each : layout_.routers) {
    if (each.host == host_index) each.type = type;
  }
}

bool TestBed::conntrack_flush(int host_index) {
  return testbed::conntrack_flush(router(host_index).netns);
}

void TestBed::teardown() noexcept {
  if (torn_down_) return;
  torn_down_ = true;
  tracker_->stop_all(std::chrono::milliseconds(3000));
  teardown_layout(layout_, keep_dir_);
  cleanup_script_.reset();
  release_prefix(layout_.prefix);
}

BedLayout TestBed::release() {
  torn_down_ = true;
  tracker_->stop_all(std::chrono::milliseconds(3000));
  cleanup_script_.reset();
  release_prefix(layout_.prefix);
  return layout_;
}

void TestBed::teardown_layout(const BedLayout& layout, bool keep_dir) noexcept {
  testbed::teardown_layout(layout, keep_dir);
}

}  // namespace wgmesh::testbed
