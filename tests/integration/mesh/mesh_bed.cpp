#include "mesh_bed.h"

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace wgmesh::testing {

MeshBed::MeshBed(int hosts, bool ipv6, std::string wgmeshd)
    : bed_(testbed::TestBed::Options{.n_hosts = hosts, .ipv6 = ipv6}),
      wgmeshd_(std::move(wgmeshd)) {}

MeshBed::MeshBed(testbed::BedOptions options, std::string wgmeshd)
    : bed_(std::move(options)), wgmeshd_(std::move(wgmeshd)) {}

MeshBed::~MeshBed() {
  for (auto& [i, p] : daemons_) p.kill_and_wait(std::chrono::seconds(5));
}

std::string MeshBed::socket(int i) const {
  return const_cast<MeshBed*>(this)->host(i).path("rpc.sock");
}

void MeshBed::start(int i, const NodeOptions& o) {
  launch(i, o);
  if (!wait_ready(i, std::chrono::seconds(20)))
    throw std::runtime_error("wgmeshd on " + host(i).name() + " did not come up:\n" +
                             daemons_.at(i).read_log());
}

bool MeshBed::wait_ready(int i, std::chrono::milliseconds timeout) {
  return testbed::wait_until([&] { return rpc(i, "daemon.ping").has_value(); }, timeout,
                             std::chrono::milliseconds(10));
}

void MeshBed::launch(int i, const NodeOptions& o) {
  testbed::TestHost& h = host(i);
  std::string toml = "[node]\nsecret = \"" + o.secret + "\"\ninterface = \"wg0\"\nstate_dir = \"" +
                     h.path("state") + "\"\nbackend = \"userspace\"\nhostname = \"" + h.name() +
                     "\"\nlog_level = \"" + o.log_level + "\"\n";
  if (o.no_ipv6) toml += "no_ipv6 = true\n";
  if (!o.advertise_routes.empty()) {
    toml += "advertise_routes = [";
    for (size_t k = 0; k < o.advertise_routes.size(); ++k)
      toml += (k ? ", \"" : "\"") + o.advertise_routes[k] + "\"";
    toml += "]\n";
  }
  toml += o.extra_node_toml;
  toml += "[plugins]\ndir = \"" WGMESH_PLUGINS_DIR "\"\nenable = [";
  for (size_t k = 0; k < o.plugins.size(); ++k) toml += (k ? ", \"" : "\"") + o.plugins[k] + "\"";
  toml += "]\n[plugins.rpc]\nsocket_path = \"" + socket(i) + "\"\n" + o.extra_plugins_toml;
  std::ofstream(h.path("wgmesh.toml")) << toml;
  daemons_.erase(i);
  daemons_.emplace(
      i, h.spawn({wgmeshd_, "--config", h.path("wgmesh.toml")}, {}, h.path("wgmeshd.log")));
}

void MeshBed::crash(int i) {
  daemons_.at(i).signal(SIGKILL);
  daemons_.at(i).wait_exit(std::chrono::seconds(5));
  // The daemon's wireguard-go child dies with the "machine" too.
  host(i).run({"sh", "-c", "kill -9 $(ip netns pids " + host(i).netns() + ") 2>/dev/null; true"});
  daemons_.erase(i);
}

void MeshBed::stop(int i) {
  if (daemons_.count(i)) daemons_.at(i).kill_and_wait(std::chrono::seconds(10));
  daemons_.erase(i);
}

std::optional<rapidjson::Document> MeshBed::rpc(int i, const std::string& method,
                                                const std::string& params) {
  return rpc_call(socket(i), method, params);
}

std::string MeshBed::pubkey(int i) {
  auto r = rpc(i, "daemon.status");
  return r && (*r)["result"].IsObject() ? (*r)["result"]["pubkey"].GetString() : "";
}

std::string MeshBed::mesh_ip(int i) {
  auto r = rpc(i, "daemon.status");
  return r && (*r)["result"].IsObject() ? (*r)["result"]["mesh_ip"].GetString() : "";
}

std::string MeshBed::mesh_ipv6(int i) {
  // Not in daemon.status: read it from a peer's view is indirect; use the interface instead.
  auto r = host(i).run({"ip", "-6", "-o", "addr", "show", "dev", "wg0", "scope", "global"});
  auto pos = r.output.find("inet6 ");
  if (pos == std::string::npos) return "";
  auto start = pos + 6;
  return r.output.substr(start, r.output.find('/', start) - start);
}

std::vector<std::string> MeshBed::peer_keys(int i) {
  std::vector<std::string> keys;
  auto r = rpc(i, "peers.list");
  if (!r || !(*r)["result"].IsObject()) return keys;
  for (const auto& p : (*r)["result"]["peers"].GetArray())
    keys.emplace_back(p["pubkey"].GetString());
  std::sort(keys.begin(), keys.end());
  return keys;
}

uint64_t MeshBed::counter(int i, const std::string& name) {
  auto r = rpc(i, "daemon.metrics");
  if (!r || !(*r)["result"].IsObject()) return 0;
  const auto& c = (*r)["result"]["counters"];
  auto it = c.FindMember(name.c_str());
  return it == c.MemberEnd() ? 0 : it->value.GetUint64();
}

bool MeshBed::wait_full_mesh(std::chrono::milliseconds timeout, std::vector<int> hosts) {
  if (hosts.empty())
    for (auto& [i, p] : daemons_) hosts.push_back(i);
  return testbed::wait_until(
      [&] {
        // One status and one peer list per host and check: with 25 hosts the polling itself
        // must not load the daemons it measures.
        std::vector<std::string> all;
        for (int i : hosts) {
          all.push_back(pubkey(i));
          if (all.back().empty()) return false;  // not up yet
        }
        for (size_t h = 0; h < hosts.size(); ++h) {
          auto keys = peer_keys(hosts[h]);
          for (const auto& k : all)
            if (k != all[h] && !std::binary_search(keys.begin(), keys.end(), k)) return false;
        }
        return true;
      },
      timeout, std::chrono::milliseconds(100));
}

}  // namespace wgmesh::testing
