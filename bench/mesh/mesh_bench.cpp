// Mesh benchmark: N test hosts (network namespaces) start wgmeshd at the same moment; we
// measure how long until every node lists every other, until every pair has a WireGuard
// handshake, and until every ordered pair passes traffic (an in-process ICMP prober, see
// icmp_prober.h); then the daemons' RSS, CPU and underlay bytes over a quiet period. Prints a
// table; never a pass/fail test.
//   usage: wgmesh-mesh-bench [--nodes 5,10,25] [--quiet-seconds 60] [--wgmeshd PATH]
// (two quiet periods of --quiet-seconds each: right after convergence, and after that)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "harness/proc_stats.h"
#include "icmp_prober.h"
#include "mesh_bed.h"

using namespace std::chrono;
using namespace wgmesh::testing;
using wgmesh::bench::IcmpProber;
using wgmesh::bench::ProbeHost;
using wgmesh::bench::ProbeResult;
using wgmesh::testbed::wait_until;

namespace {

struct Figures {
  int n = 0;
  double launched_ms = 0, ready_ms = 0, listed_ms = 0, handshaked_ms = 0, traffic_ms = 0,
         ping_round_ms = 0;
  bool converged = false;
  int pairs = 0, pairs_answered = 0;
  // What probing cost: echo requests sent and CPU time of the probing thread, while waiting
  // for traffic and for the repeated round.
  uint64_t probe_requests = 0, round_requests = 0;
  double probe_cpu_ms = 0, round_cpu_ms = 0, round_srtt_ms = 0;
  double rss_avg_kb = 0, rss_max_kb = 0, anon_avg_kb = 0, pss_avg_kb = 0, wg_rss_avg_kb = 0;
  // CPU (% of one core) and underlay bytes per node: `first` is the window right after
  // convergence (announcements still backing off towards their 30 s cap), the other the
  // window after it, when nothing changes any more.
  double cpu_first_pct = 0, cpu_pct = 0, bytes_first_per_node_min = 0, bytes_per_node_min = 0;
  // CPU time per node from launch until every pair passed traffic: the daemon, and the
  // wireguard-go it started. With `cores` CPUs, (sum over nodes) / cores bounds traffic_ms.
  double formation_cpu_ms = 0, formation_wg_cpu_ms = 0;
};

double ms_between(steady_clock::time_point t0, steady_clock::time_point t1) {
  return duration<double, std::milli>(t1 - t0).count();
}

double ms_since(steady_clock::time_point t0) { return ms_between(t0, steady_clock::now()); }

// Requests stop on scope exit, so an early return or an exception does not leave the probing
// thread running until its deadline (the future's destructor would wait for it).
struct StopOnExit {
  std::stop_source& source;
  ~StopOnExit() { source.request_stop(); }
};

bool all_handshaked(MeshBed& m, int n) {
  for (int i = 1; i <= n; ++i) {
    auto r = m.rpc(i, "peers.list");
    if (!r || !(*r)["result"].IsObject()) return false;
    const auto& peers = (*r)["result"]["peers"];
    if (static_cast<int>(peers.Size()) < n - 1) return false;
    for (const auto& p : peers.GetArray())
      if (!p.HasMember("last_handshake_unix") || p["last_handshake_unix"].GetInt64() == 0)
        return false;
  }
  return true;
}

// One "<Field>: N kB" value of /proc/<pid>/smaps_rollup. RSS counts every shared library page
// the process touched (libc, libstdc++ — shared with every other process); PSS divides shared
// pages among their users and Anonymous is the daemon's own memory.
long smaps_rollup_kb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  return 0;
}

// The processes whose parent is `parent` (the wireguard-go a daemon started).
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    auto paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream fields(stat.substr(paren + 1));
    std::string state;
    long ppid = 0;
    if (fields >> state >> ppid && ppid == parent) out.push_back(std::stoi(name));
  }
  return out;
}

long long children_cpu_ns(pid_t parent) {
  long long total = 0;
  for (pid_t child : children_of(parent)) total += wgmesh::testbed::read_cpu_ns(child).value_or(0);
  return total;
}

// The resident set of the wireguard-go a daemon started (its only child).
long children_rss_kb(pid_t parent) {
  long total = 0;
  for (pid_t child : children_of(parent)) total += wgmesh::testbed::read_rss_kb(child).value_or(0);
  return total;
}

Figures run(int n, int quiet_s, const std::string& wgmeshd) {
  Figures f;
  f.n = n;
  MeshBed m(n, /*ipv6=*/false, wgmeshd);
  NodeOptions o;
  o.log_level = "info";
  auto t0 = steady_clock::now();
  for (int i = 1; i <= n; ++i) m.launch(i, o);
  f.launched_ms = ms_since(t0);
  for (int i = 1; i <= n; ++i) m.wait_ready(i, seconds(60));
  f.ready_ms = ms_since(t0);
  // Traffic is probed from here on, concurrently with the RPC polling below, so traffic_ms is
  // when the mesh first carried every pair, not when we got round to checking. The mesh IPs
  // come from the daemons, hence only now.
  std::vector<ProbeHost> hosts;
  for (int i = 1; i <= n; ++i) {
    hosts.push_back({m.host(i).netns(), m.mesh_ip(i)});
    if (hosts.back().ipv4.empty()) return f;  // daemon not up: reported as not converged
  }
  IcmpProber prober(std::move(hosts));
  std::stop_source stop_probing;
  auto traffic = std::async(std::launch::async,
                            [&] { return prober.run(seconds(120), stop_probing.get_token()); });
  StopOnExit stop_guard{stop_probing};  // destroyed before `traffic`, whose destructor joins
  if (m.wait_full_mesh(seconds(60))) {
    f.listed_ms = ms_since(t0);
    if (wait_until([&] { return all_handshaked(m, n); }, seconds(60), milliseconds(20)))
      f.handshaked_ms = ms_since(t0);
  }
  // Without handshakes no traffic will come: do not wait for the prober's deadline.
  if (f.handshaked_ms == 0) stop_probing.request_stop();
  ProbeResult probed = traffic.get();
  f.pairs = n * (n - 1);
  f.pairs_answered = f.pairs - static_cast<int>(probed.unanswered.size());
  f.probe_requests = probed.requests_sent;
  f.probe_cpu_ms = probed.cpu_ms;
  if (auto last = probed.last_first_reply()) f.traffic_ms = ms_between(t0, *last);
  for (auto [from, to] : probed.unanswered)
    std::fprintf(stderr, "  no echo reply: h%d -> h%d\n", from + 1, to + 1);
  for (int i = 1; i <= n; ++i) {
    f.formation_cpu_ms += static_cast<double>(m.daemon(i).cpu_ns().value_or(0)) / 1e6 / n;
    f.formation_wg_cpu_ms += static_cast<double>(children_cpu_ns(m.daemon(i).pid())) / 1e6 / n;
  }
  f.converged = f.handshaked_ms > 0 && probed.complete();
  if (!f.converged) return f;
  // The same all-pairs round again on the converged mesh: what the measurement itself costs
  // (and so the resolution of traffic_ms next to the 10 ms probing interval).
  auto t1 = steady_clock::now();
  ProbeResult round = prober.run(seconds(10));
  f.ping_round_ms = ms_since(t1);
  f.round_requests = round.requests_sent;
  f.round_cpu_ms = round.cpu_ms;
  f.round_srtt_ms = round.srtt_ms;
  for (auto [from, to] : round.unanswered)
    std::fprintf(stderr, "  no echo reply on the converged mesh: h%d -> h%d\n", from + 1, to + 1);

  // Two quiet periods: nothing changes in the mesh.
  auto measure_quiet = [&](double& cpu_pct, double& bytes_per_node_min) {
    std::vector<long long> cpu0(n + 1);
    std::vector<uint64_t> bytes0(n + 1);
    for (int i = 1; i <= n; ++i) {
      cpu0[i] = m.daemon(i).cpu_ns().value_or(0);
      bytes0[i] = wgmesh::testbed::underlay_bytes(m.host(i)).total();
    }
    auto w0 = steady_clock::now();
    std::this_thread::sleep_for(seconds(quiet_s));
    double cpu_ns = 0, bytes = 0;
    for (int i = 1; i <= n; ++i) {
      cpu_ns += static_cast<double>(m.daemon(i).cpu_ns().value_or(0) - cpu0[i]);
      bytes += static_cast<double>(wgmesh::testbed::underlay_bytes(m.host(i)).total() - bytes0[i]);
    }
    const double window_ms = ms_since(w0);
    cpu_pct = 100.0 * (cpu_ns / 1e6 / n) / window_ms;
    bytes_per_node_min = bytes / n * 60'000.0 / window_ms;
  };
  measure_quiet(f.cpu_first_pct, f.bytes_first_per_node_min);
  measure_quiet(f.cpu_pct, f.bytes_per_node_min);
  for (int i = 1; i <= n; ++i) {
    double rss = static_cast<double>(m.daemon(i).rss_kb().value_or(0));
    f.rss_avg_kb += rss / n;
    f.rss_max_kb = std::max(f.rss_max_kb, rss);
    f.anon_avg_kb += static_cast<double>(smaps_rollup_kb(m.daemon(i).pid(), "Anonymous")) / n;
    f.pss_avg_kb += static_cast<double>(smaps_rollup_kb(m.daemon(i).pid(), "Pss")) / n;
    f.wg_rss_avg_kb += static_cast<double>(children_rss_kb(m.daemon(i).pid())) / n;
  }
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  if (geteuid() != 0) {
    std::fprintf(stderr, "wgmesh-mesh-bench: needs root (network namespaces)\n");
    return 1;
  }
  std::vector<int> sizes = {5, 10, 25};
  int quiet = 60;
  std::string wgmeshd = WGMESHD_BIN;
  for (int i = 1; i < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h" || i + 1 >= argc) {
      std::fprintf(
          a == "--help" || a == "-h" ? stdout : stderr,
          "usage: wgmesh-mesh-bench [--nodes 5,10,25] [--quiet-seconds 60] [--wgmeshd PATH]\n");
      return a == "--help" || a == "-h" ? 0 : 2;
    }
    if (a == "--nodes") {
      sizes.clear();
      std::stringstream ss(argv[i + 1]);
      std::string item;
      while (std::getline(ss, item, ',')) sizes.push_back(std::stoi(item));
    } else if (a == "--quiet-seconds") {
      quiet = std::stoi(argv[i + 1]);
    } else if (a == "--wgmeshd") {
      wgmeshd = argv[i + 1];
    } else {
      std::fprintf(stderr, "wgmesh-mesh-bench: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  std::vector<Figures> all;
  for (int n : sizes) {
    std::fprintf(stderr, "running %d nodes...\n", n);
    all.push_back(run(n, quiet, wgmeshd));
  }
  std::printf(
      "\nwgmesh mesh benchmark (%s, quiet period %d s, userspace WireGuard in namespaces)\n",
      wgmeshd.c_str(), quiet);
  std::printf("%-6s %10s %10s %10s %12s %12s %10s\n", "nodes", "launch_ms", "ready_ms", "listed_ms",
              "handshake_ms", "traffic_ms", "ping_round");
  for (const auto& f : all) {
    if (!f.converged) {
      std::printf(
          "%-6d did not converge (ready %.0f ms, listed %.0f ms, handshake %.0f ms, "
          "%d of %d ordered pairs answered an echo)\n",
          f.n, f.ready_ms, f.listed_ms, f.handshaked_ms, f.pairs_answered, f.pairs);
      continue;
    }
    std::printf("%-6d %10.0f %10.0f %10.0f %12.0f %12.0f %10.0f\n", f.n, f.launched_ms, f.ready_ms,
                f.listed_ms, f.handshaked_ms, f.traffic_ms, f.ping_round_ms);
  }
  std::printf(
      "(listed: every node lists every other; handshake: every pair has a WireGuard handshake;\n"
      " traffic: every ordered pair answered an ICMP echo (kernel arrival time of the first "
      "reply), probed\n"
      " in-process from the moment all daemons were ready, concurrently with the listed/handshake "
      "polling:\n"
      " one raw socket per host, an unanswered pair re-sent on a 10 ms tick once its last request "
      "is older\n"
      " than a TCP-style timeout (10-100 ms); all measured from the moment the daemons were "
      "launched;\n"
      " ping_round: the same all-pairs echo round repeated on the converged mesh, i.e. the "
      "measurement's own\n"
      " cost: one request per pair unless a reply is late, so mostly the time the mesh needs to "
      "carry n(n-1)\n"
      " echo round trips at once)\n");
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  std::printf("\n%-6s %8s %8s %8s %8s %9s %8s %8s %11s %11s %12s %12s\n", "nodes", "rss_kb",
              "rss_max", "pss_kb", "anon_kb", "wg-go_kb", "cpu1_%", "cpu_%", "B1/node/min",
              "B/node/min", "form_cpu_ms", "form_wg_ms");
  for (const auto& f : all)
    if (f.converged)
      std::printf("%-6d %8.0f %8.0f %8.0f %8.0f %9.0f %8.3f %8.3f %11.0f %11.0f %12.1f %12.1f\n",
                  f.n, f.rss_avg_kb, f.rss_max_kb, f.pss_avg_kb, f.anon_avg_kb, f.wg_rss_avg_kb,
                  f.cpu_first_pct, f.cpu_pct, f.bytes_first_per_node_min, f.bytes_per_node_min,
                  f.formation_cpu_ms, f.formation_wg_cpu_ms);
  std::printf(
      "(cpu1_%%, B1/node/min: the first quiet period right after convergence, while announcements "
      "back off\n"
      " towards their 30 s cap; cpu_%%, B/node/min: the quiet period after it. CPU per daemon in "
      "%% of one core\n"
      " (schedstat, ns). form_cpu_ms / form_wg_ms: CPU per node from launch until every pair "
      "passed traffic,\n"
      " wgmeshd / the wireguard-go it runs; on %ld cores the whole bed needs at least\n"
      " n * (form_cpu_ms + form_wg_ms) / %ld of wall time for that.)\n",
      cores, cores);
  for (const auto& f : all)
    if (f.converged)
      std::printf(
          "CPU floor, %d nodes: %.0f ms of CPU for formation = %.0f ms on %ld cores "
          "(traffic_ms %.0f)\n",
          f.n, f.n * (f.formation_cpu_ms + f.formation_wg_cpu_ms),
          f.n * (f.formation_cpu_ms + f.formation_wg_cpu_ms) / static_cast<double>(cores), cores,
          f.traffic_ms);
  for (const auto& f : all)
    if (f.converged)
      std::printf(
          "probing cost, %d nodes: %llu echo requests and %.1f ms CPU until traffic; "
          "%llu requests and %.2f ms CPU for ping_round (smoothed echo RTT %.1f ms)\n",
          f.n, static_cast<unsigned long long>(f.probe_requests), f.probe_cpu_ms,
          static_cast<unsigned long long>(f.round_requests), f.round_cpu_ms, f.round_srtt_ms);
  return 0;
}
