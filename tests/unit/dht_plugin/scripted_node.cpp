#include "scripted_node.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <stdexcept>

#include "test_random.h"

namespace wgmesh::dht::plugin::test {

ScriptedNode::ScriptedNode(wgmesh::test::FakeNetwork& net, const std::string& ip, uint16_t port)
    : backend_(net.attach(ip)) {
  wgm_udp_options o{};
  o.struct_size = sizeof o;
  o.family = AF_INET;
  o.port = port;
  std::string error;
  if (backend_->open(o, sock_, error) != WGM_OK) throw std::runtime_error(error);
  endpoint = *Endpoint::parse(ip + ":" + std::to_string(port));
  SeededRandom rng(port);
  id = NodeId::random(rng);
}

size_t ScriptedNode::count(Method m) const {
  return static_cast<size_t>(
      std::count_if(seen.begin(), seen.end(), [m](const Seen& s) { return s.method == m; }));
}

void ScriptedNode::send_raw(const std::string& bytes, const std::string& ip, uint16_t port) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  inet_pton(AF_INET, ip.c_str(), &to.sin_addr);
  sock_->send(reinterpret_cast<const sockaddr*>(&to), sizeof to,
              reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

void ScriptedNode::poll() {
  sock_->drain([this](const uint8_t* data, size_t len, const sockaddr* from, socklen_t flen) {
    if (silent) return;
    auto src = from_sockaddr(from, flen);
    Decoded d = decode_message({data, len});
    if (!src || !d.ok() || d.message->type != MessageType::Query) return;
    const Message& q = *d.message;
    seen.push_back({q.query.method, *src, q.query.port, q.query.implied_port, q.query.info_hash});
    Message r = make_response(q.tid, id);
    if (report_ip) r.ip = claim_ip ? *claim_ip : *src;
    switch (q.query.method) {
      case Method::FindNode:
        r.response.nodes = nodes;
        break;
      case Method::GetPeers:
        r.response.nodes = nodes;
        r.response.values = values;
        r.response.token = std::string("tok");
        break;
      default:
        break;
    }
    const std::string wire = encode_message(r);
    sockaddr_storage ss{};
    const socklen_t sl = to_sockaddr(*src, ss);
    sock_->send(reinterpret_cast<const sockaddr*>(&ss), sl,
                reinterpret_cast<const uint8_t*>(wire.data()), wire.size());
  });
}

}  // namespace wgmesh::dht::plugin::test
