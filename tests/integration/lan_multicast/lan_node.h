// One LAN node of the namespace test: the real plugin loaded into a fake host that uses
// kernel sockets and the real clock. It runs in a forked child inside its namespace and
// talks to the test over pipes, one line per event:
//   READY                           plugin created, waiting for the go byte
//   STARTED <ms>                    just before start() (CLOCK_MONOTONIC ms, comparable
//                                   across namespaces)
//   REPORT <ms> <label> <json>      a peer report, as it happened
//   COUNTERS <name>=<value> ...     at exit
//   ERROR <text>
// It starts on a byte on go_fd and stops on a byte on stop_fd (or after 60 s).
#pragma once

#include <string>

namespace wgmesh::test {

struct LanNodeSpec {
  std::string plugin_path;
  std::string pubkey;
  std::string mesh_ip;
  std::string advertised_endpoint;
  std::string config_json = "{}";
};

// The child's body; returns its exit status.
int run_lan_node(const LanNodeSpec& spec, int out_fd, int go_fd, int stop_fd);

}  // namespace wgmesh::test
