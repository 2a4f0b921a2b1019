// A scripted DHT node on the fake host's in-memory network, for plugin tests: it answers
// every query itself (with the core's KRPC codec) and returns whatever peer values the test
// sets - e.g. hundreds of arbitrary addresses, as a malicious node would. It also records
// what the plugin asked (announce_peer port and implied_port in particular).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "fake_network.h"
#include "wgmesh/dht/krpc.h"

namespace wgmesh::dht::plugin::test {

class ScriptedNode {
 public:
  ScriptedNode(wgmesh::test::FakeNetwork& net, const std::string& ip, uint16_t port);

  // Handles everything that arrived; call it while the hosts run.
  void poll();

  std::vector<Endpoint> values;      // returned for every get_peers
  std::vector<NodeInfo> nodes;       // returned for find_node / get_peers
  bool silent = false;               // drop everything (a dead node)
  bool report_ip = true;             // BEP 42 "ip" in replies
  std::optional<Endpoint> claim_ip;  // report this instead of the real source

  struct Seen {
    Method method;
    Endpoint from;
    uint16_t port = 0;
    bool implied_port = false;
    InfoHash info_hash;
  };
  std::vector<Seen> seen;
  size_t count(Method m) const;
  NodeId id;
  Endpoint endpoint;

  // Sends raw bytes from this node's socket (malformed input tests).
  void send_raw(const std::string& bytes, const std::string& ip, uint16_t port);

 private:
  std::unique_ptr<wgmesh::test::UdpBackend> backend_;
  std::unique_ptr<wgmesh::test::UdpEndpoint> sock_;
};

}  // namespace wgmesh::dht::plugin::test
