// A bed of test hosts each running wgmeshd (userspace WireGuard, LAN discovery, RPC socket
// in the host's directory), with helpers to query the daemons and wait for the mesh.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/testbed.h"
#include "rpc_client.h"

namespace wgmesh::testing {

struct NodeOptions {
  std::string secret = "wgmesh://v1/integration-test-secret-0123456789abcdef";
  std::vector<std::string> plugins = {"lan-multicast", "rpc"};
  std::vector<std::string> advertise_routes;
  bool no_ipv6 = false;
  std::string log_level = "debug";
  std::string extra_node_toml;     // appended to [node]
  std::string extra_plugins_toml;  // appended at the end
};

class MeshBed {
 public:
  explicit MeshBed(int hosts, bool ipv6 = true, std::string wgmeshd = WGMESHD_BIN);
  // Any bed layout, e.g. hosts behind NAT routers (bed_options.h).
  explicit MeshBed(testbed::BedOptions options, std::string wgmeshd = WGMESHD_BIN);
  ~MeshBed();

  testbed::TestHost& host(int i) { return bed_.host(i); }
  testbed::TestBed& bed() { return bed_; }

  // Writes the host's config and starts wgmeshd; waits until its RPC socket answers.
  void start(int i, const NodeOptions& options = {});
  // start() without the wait, for starting many daemons at the same moment.
  void launch(int i, const NodeOptions& options = {});
  bool wait_ready(int i, std::chrono::milliseconds timeout);
  // SIGKILL the daemon and everything else running in the host (a host crash).
  void crash(int i);
  void stop(int i);
  testbed::Process& daemon(int i) { return daemons_.at(i); }

  std::string socket(int i) const;
  std::optional<rapidjson::Document> rpc(int i, const std::string& method,
                                         const std::string& params = "");
  std::string pubkey(int i);
  std::string mesh_ip(int i);
  std::string mesh_ipv6(int i);
  // Public keys in the daemon's peers.list.
  std::vector<std::string> peer_keys(int i);
  // Peers configured in the daemon's WireGuard device (from the daemon's own view).
  uint64_t counter(int i, const std::string& name);
  // Waits until every started daemon (or those in `hosts`) lists every other one of them.
  bool wait_full_mesh(std::chrono::milliseconds timeout, std::vector<int> hosts = {});

 private:
  testbed::TestBed bed_;
  std::map<int, testbed::Process> daemons_;
  std::string wgmeshd_;
};

}  // namespace wgmesh::testing
