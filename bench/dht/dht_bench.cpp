// DHT benchmark (prints figures; not a pass/fail test). Needs root, node and npm.
//
//   1. Cold start to a working tunnel through a local swarm: two wgmeshd in namespace hosts
//      with LAN discovery off (plugins = dht, rpc), an npm bittorrent-dht swarm in a third
//      host as the only bootstrap node; time from launching the daemons to the first ping
//      answered over the mesh. (The original: 30-90 s on the real DHT, by design.)
//   2. get_peers latency, ours (dht.lookup in a running wgmeshd) vs the npm implementation's
//      own lookup, in the same swarm, for a peer an npm node announced.
//   3. Memory of the plugin with a full routing table: the .so in a fake host (kernel
//      sockets on loopback) against a large npm swarm spread over 127.0.1.0/24 (BEP 42
//      exempt), filled by random lookups; heap growth of the process and the core's own
//      estimate of the table's footprint.
// Everything stays on loopback or inside the bed's namespaces.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fake_host.h"
#include "mesh_bed.h"
#include "plugin_harness.h"
#include "swarm_client.h"

using namespace std::chrono_literals;
using wgmesh::dht::testing::field;
using wgmesh::dht::testing::Swarm;
using wgmesh::dht::testing::SwarmOptions;
using Clk = std::chrono::steady_clock;

namespace {

double ms_since(Clk::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clk::now() - t0).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string random_hex(std::mt19937_64& rng) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 40; ++i) s += d[rng() & 15];
  return s;
}

struct Figures {
  std::vector<double> discover_ms, tunnel_ms, lookup_ours, lookup_npm;
  long daemon_rss_kb = -1, baseline_rss_kb = -1;
  uint64_t table_nodes = 0, table_bytes = 0;
  long heap_delta_bytes = -1;
  int swarm_nodes = 0;
};

wgmesh::testing::NodeOptions dht_only(const std::string& bootstrap) {
  wgmesh::testing::NodeOptions n;
  n.plugins = {"dht", "rpc"};
  n.extra_plugins_toml = "[plugins.dht]\nbootstrap = [\"" + bootstrap + "\"]\n";
  return n;
}

// 1 + 2: one namespace bed per run.
void mesh_runs(const std::string& npm_dir, int runs, int lookups, Figures& f) {
  std::mt19937_64 rng(42);
  for (int run = 0; run < runs; ++run) {
    // Host 3 runs the swarm; host 4 a daemon without the dht plugin (RSS baseline).
    wgmesh::testing::MeshBed m(4, /*ipv6=*/false);
    Swarm swarm;
    SwarmOptions o;
    o.nodes = 8;
    o.hosts = {m.host(3).ipv4()};
    o.bep42 = true;
    o.netns = m.host(3).netns();
    std::string err;
    if (!swarm.start(npm_dir, o, err)) {
      std::fprintf(stderr, "swarm: %s\n", err.c_str());
      return;
    }
    const auto n = dht_only(swarm.address(0));
    const auto t0 = Clk::now();
    m.start(1, n);
    m.start(2, n);
    const std::string ip2 = m.mesh_ip(2);
    // Both daemons list each other (polled every 100 ms over RPC).
    if (!m.wait_full_mesh(60s, {1, 2})) {
      std::fprintf(stderr, "run %d: no discovery within 60 s\n%s\n", run,
                   m.daemon(1).read_log().c_str());
      continue;
    }
    const double discovered = ms_since(t0);
    // Pings every 50 ms until the first reply: the command returns when the tunnel works.
    auto r = m.host(1).run({"ping", "-n", "-q", "-i", "0.05", "-c", "1", "-w", "60", ip2}, 70s);
    const double tunnel = ms_since(t0);
    if (!r.ok()) {
      std::fprintf(stderr, "run %d: no tunnel within 60 s\n", run);
      continue;
    }
    f.discover_ms.push_back(discovered);
    f.tunnel_ms.push_back(tunnel);
    std::printf("run %d: discovered after %.0f ms, first ping answered after %.0f ms\n", run,
                discovered, tunnel);

    for (int k = 0; run == 0 && k < lookups; ++k) {
      const std::string ih = random_hex(rng);
      const int port = 42000 + k;
      swarm.send("announce " + ih + " " + std::to_string(port));
      auto ann = swarm.wait_for({"ANNOUNCED", "ANNOUNCE_FAILED"}, 30s);
      if (!ann || ann->rfind("ANNOUNCED", 0) != 0) continue;
      auto reply = m.rpc(1, "dht.lookup", "{\"info_hash\":\"" + ih + "\"}");
      if (reply && (*reply).HasMember("result") && (*reply)["result"].IsObject())
        f.lookup_ours.push_back((*reply)["result"]["elapsed_ms"].GetDouble());
      swarm.send("lookup " + ih + " " + std::to_string(port));
      auto line = swarm.wait_for({"FOUND", "NOTFOUND"}, 30s);
      if (line && line->rfind("FOUND", 0) == 0) f.lookup_npm.push_back(field(*line, "done_ms="));
    }
    if (run == 0) {
      wgmesh::testing::NodeOptions base;
      base.plugins = {"rpc"};
      m.start(4, base);
      std::this_thread::sleep_for(2s);
      if (auto rss = m.daemon(1).rss_kb()) f.daemon_rss_kb = *rss;
      if (auto rss = m.daemon(4).rss_kb()) f.baseline_rss_kb = *rss;
    }
  }
}

// 3: the plugin in this process, against a large loopback swarm.
void memory_run(const std::string& npm_dir, int swarm_nodes, Figures& f) {
  Swarm swarm;
  SwarmOptions o;
  o.nodes = swarm_nodes;
  for (int i = 1; i <= 64; ++i) o.hosts.push_back("127.0.1." + std::to_string(i));
  o.hosts.erase(o.hosts.begin());  // drop the default 127.0.0.1
  std::string err;
  if (!swarm.start(npm_dir, o, err, 120s)) {
    std::fprintf(stderr, "swarm: %s\n", err.c_str());
    return;
  }
  f.swarm_nodes = swarm_nodes;
  std::fprintf(stderr, "memory run: %d-node swarm up, node 0 at %s\n", swarm_nodes,
               swarm.address(0).c_str());
  wgmesh::test::FakeHost::Options ho;
  ho.clock = wgmesh::test::FakeHost::Clock::Real;
  wgmesh::test::FakeHost host(ho);
  const size_t heap0 = mallinfo2().uordblks;
  {
    wgmesh::dht::plugin::test::DhtUnderTest p(
        host, wgmesh::dht::plugin::test::dht_config({swarm.address(0)},
                                                    R"("bind": "127.0.0.1", "port": 0)"));
    if (p.create() != WGM_OK || p.start() != WGM_OK) return;
    if (!host.run_until([&] { return p.stats()["bootstrapped"].GetBool(); }, 20000)) {
      auto st = p.stats();
      std::string all;
      for (const auto& m : st.GetObject())
        if (m.value.IsUint64() && m.value.GetUint64())
          all += std::string(" ") + m.name.GetString() + "=" + std::to_string(m.value.GetUint64());
      std::fprintf(stderr, "memory run: no bootstrap from %s:%s\n", swarm.address(0).c_str(),
                   all.c_str());
    }
    std::mt19937_64 rng(7);
    uint64_t last = 0;
    int stable = 0;
    for (int k = 0; k < 200 && stable < 10; ++k) {
      bool done = false;
      p.lookup(random_hex(rng), [&](bool, const std::string&) { done = true; });
      host.run_until([&] { return done; }, 10000);
      const uint64_t size = p.stat("routing_table_size");
      stable = size == last ? stable + 1 : 0;
      last = size;
    }
    host.advance(1000);
    f.table_nodes = p.stat("routing_table_size");
    f.table_bytes = p.stat("routing_table_bytes");
    f.heap_delta_bytes = static_cast<long>(mallinfo2().uordblks) - static_cast<long>(heap0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3, lookups = 9, swarm_nodes = 256;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--runs")
      runs = std::atoi(argv[i + 1]);
    else if (a == "--lookups")
      lookups = std::atoi(argv[i + 1]);
    else if (a == "--swarm")
      swarm_nodes = std::atoi(argv[i + 1]);
  }
  if (geteuid() != 0) {
    std::fprintf(stderr, "dht_bench needs root (network namespaces)\n");
    return 2;
  }
  if (!wgmesh::dht::testing::have_node_and_npm()) {
    std::fprintf(stderr, "dht_bench needs node and npm\n");
    return 2;
  }
  std::string err;
  const std::string npm_dir = wgmesh::dht::testing::prepare_swarm(err);
  if (npm_dir.empty()) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 2;
  }
  Figures f;
  mesh_runs(npm_dir, runs, lookups, f);
  memory_run(npm_dir, swarm_nodes, f);

  const double ours = median(f.lookup_ours), npm = median(f.lookup_npm);
  std::printf("\n%-58s %s\n", "DHT benchmark", "value");
  std::printf("%-58s %s\n", std::string(58, '-').c_str(), "----------------");
  std::printf("%-58s %.0f ms (median of %zu)\n", "cold start -> both peers listed (DHT only)",
              median(f.discover_ms), f.discover_ms.size());
  std::printf(
      "%-58s %.0f ms (median of %zu; min %.0f, max %.0f)\n",
      "cold start -> first ping over the mesh (DHT only)", median(f.tunnel_ms), f.tunnel_ms.size(),
      f.tunnel_ms.empty() ? -1.0 : *std::min_element(f.tunnel_ms.begin(), f.tunnel_ms.end()),
      f.tunnel_ms.empty() ? -1.0 : *std::max_element(f.tunnel_ms.begin(), f.tunnel_ms.end()));
  std::printf("%-58s %.1f ms (median of %zu)\n", "get_peers lookup, ours (dht.lookup in wgmeshd)",
              ours, f.lookup_ours.size());
  std::printf("%-58s %.1f ms (median of %zu)\n", "get_peers lookup, npm bittorrent-dht (late node)",
              npm, f.lookup_npm.size());
  std::printf("%-58s %.2f\n", "lookup latency ratio ours / npm", npm > 0 ? ours / npm : -1.0);
  std::printf("%-58s %ld KiB\n", "wgmeshd RSS (dht + rpc plugins, 8-node swarm)", f.daemon_rss_kb);
  std::printf("%-58s %ld KiB\n", "wgmeshd RSS, rpc plugin only (baseline)", f.baseline_rss_kb);
  std::printf("%-58s %llu nodes (%d-node swarm)\n", "routing table after random lookups",
              static_cast<unsigned long long>(f.table_nodes), f.swarm_nodes);
  std::printf("%-58s %llu bytes\n", "routing table footprint (core estimate)",
              static_cast<unsigned long long>(f.table_bytes));
  std::printf("%-58s %ld bytes\n", "process heap growth, plugin created + table filled",
              f.heap_delta_bytes);
  if (f.table_nodes > 0)
    std::printf("%-58s %.0f bytes\n", "table footprint per node (core estimate)",
                static_cast<double>(f.table_bytes) / static_cast<double>(f.table_nodes));
  return 0;
}
