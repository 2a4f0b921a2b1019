#include "fake_node.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <stdexcept>

#include "keys/envelope.h"
#include "keys/goodbye.h"
#include "keys/mesh_address.h"
#include "keys/secret.h"
#include "keys/wg_keypair.h"

namespace wgmesh::test {
namespace {

UniqueFd loopback_socket(uint16_t& port) {
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (!fd || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    throw std::runtime_error("fake node: cannot bind 127.0.0.1");
  socklen_t len = sizeof a;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

keys::DerivedKeys derive(const std::string& secret_input) {
  auto secret = keys::secret_from_input(secret_input);
  auto derived = keys::derive_keys(secret->text());
  if (!derived.ok()) throw std::runtime_error("fake node: bad secret");
  return *derived;
}

}  // namespace

FakeNode::FakeNode(const std::string& secret, FakeNodeScript script)
    : secret_(std::string(keys::secret_from_input(secret)->text())),
      keys_(derive(secret)),
      script_(std::move(script)) {
  fd_ = loopback_socket(port_);
  uint16_t decoy_port = 0;
  decoy_fd_ = loopback_socket(decoy_port);
  std::string pubkey = keys::generate_wg_keypair().public_key_text();
  reply_.wg_pubkey = pubkey;
  reply_.hostname = "fake-node";
  reply_.mesh_ip = keys::mesh_ipv4(keys_.mesh_subnet, pubkey, secret_);
  reply_.mesh_ipv6 = keys::mesh_ipv6(keys_.mesh_prefix_v6, pubkey, secret_);
  reply_.wg_endpoint = "127.0.0.1:51820";
  reply_.introducer = true;
  reply_.routable_networks = {"192.168.50.0/24", "10.77.0.0/16"};
  keys::KnownPeer known;
  known.wg_pubkey = keys::generate_wg_keypair().public_key_text();
  known.mesh_ip = keys::mesh_ipv4(keys_.mesh_subnet, known.wg_pubkey, secret_);
  known.wg_endpoint = "192.0.2.20:51820";
  reply_.known_peers = {known, known};
  reply_.nat_type = "cone";
  thread_ = std::thread([this] { run(); });
}

FakeNode::~FakeNode() {
  stop_ = true;
  thread_.join();
}

std::vector<keys::PeerAnnouncement> FakeNode::hellos() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hellos_;
}
std::vector<std::string> FakeNode::goodbye_keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return goodbyes_;
}
std::vector<uint16_t> FakeNode::hello_source_ports() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hello_ports_;
}

void FakeNode::run() {
  while (!stop_) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    std::string buf(65536, '\0');
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n =
        ::recvfrom(fd_.get(), buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n <= 0) continue;
    buf.resize(static_cast<size_t>(n));
    on_datagram(buf, from);
  }
}

void FakeNode::send(int fd, const std::string& data, const sockaddr_in& to) const {
  (void)::sendto(fd, data.data(), data.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                 sizeof to);
}

void FakeNode::on_datagram(const std::string& data, const sockaddr_in& from) {
  keys::UnixTime now = keys::system_clock_now();
  auto raw = keys::open_envelope_raw(data, keys_.gossip_key, now);
  if (!raw.ok()) {
    ++undecryptable_;
    return;
  }
  if (raw->type == "GOODBYE") {
    auto g = keys::decode_goodbye(raw->plaintext);
    std::lock_guard<std::mutex> lock(mu_);
    goodbyes_.push_back(g.ok() ? g->wg_pubkey : "<undecodable>");
    return;
  }
  // A real node validates a HELLO strictly before it answers.
  auto hello = keys::open_announcement(data, keys_.gossip_key, now);
  if (raw->type != "HELLO" || !hello.ok()) {
    ++undecryptable_;
    return;
  }
  size_t count;
  {
    std::lock_guard<std::mutex> lock(mu_);
    hellos_.push_back(hello->announcement);
    hello_ports_.push_back(ntohs(from.sin_port));
    count = hellos_.size();
  }
  if (script_.silent || static_cast<int>(count) <= script_.ignore_hellos) return;

  keys::PeerAnnouncement reply = reply_;
  reply.timestamp = now.seconds;
  char ip[INET_ADDRSTRLEN];
  ::inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip);
  reply.observed_endpoint = std::string(ip) + ":" + std::to_string(ntohs(from.sin_port));
  const keys::DerivedKeys seal_keys =
      script_.reply_secret.empty() ? keys_ : derive(script_.reply_secret);
  if (script_.decoy_first) {
    keys::PeerAnnouncement decoy = reply;
    decoy.hostname = "decoy";
    send(decoy_fd_.get(), *keys::seal_announcement("REPLY", decoy, seal_keys.gossip_key), from);
  }
  if (script_.announce_first)
    send(fd_.get(), *keys::seal_announcement("ANNOUNCE", reply, seal_keys.gossip_key), from);
  if (!script_.raw_reply_payload.empty()) {
    std::string payload = script_.raw_reply_payload;
    auto at = payload.find("$TS");
    if (at != std::string::npos) payload.replace(at, 3, std::to_string(now.seconds));
    send(fd_.get(), *keys::seal_envelope("REPLY", payload, seal_keys.gossip_key), from);
    return;
  }
  send(fd_.get(), *keys::seal_announcement("REPLY", reply, seal_keys.gossip_key), from);
}

}  // namespace wgmesh::test
