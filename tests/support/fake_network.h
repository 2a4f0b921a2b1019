// An in-memory IPv4 L2 segment for plugin tests: machines with one interface each, UDP
// sockets with unicast and multicast (group membership, TTL 0 = this machine only, multicast
// loopback), SO_REUSEADDR sharing, and a log of every datagram. Delivery is queued, never
// re-entrant: a socket receives on its fake host's next loop step (FakeHost::advance()).
//
// Tests can inject datagrams from any address (other nodes, attackers, floods) and drop
// datagrams selectively (loss). The network must outlive every backend attached to it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "udp_backend.h"

namespace wgmesh::test {

class FakeNetwork {
 public:
  struct Address {
    std::string ip;
    uint16_t port = 0;
  };
  struct Datagram {
    Address from;
    Address to;
    std::vector<uint8_t> data;
  };
  using DropFilter = std::function<bool(const Datagram&)>;

  FakeNetwork() = default;
  FakeNetwork(const FakeNetwork&) = delete;
  FakeNetwork& operator=(const FakeNetwork&) = delete;

  // A machine on this segment with address `ip` on interface `ifname`.
  std::unique_ptr<UdpBackend> attach(const std::string& ip, const std::string& ifname = "eth0");

  // Queues `data` as if `from` had sent it to `to` (a multicast group or a unicast address).
  void inject(const Address& from, const Address& to, std::vector<uint8_t> data);
  void inject(const Address& from, const Address& to, const std::string& data) {
    inject(from, to, std::vector<uint8_t>(data.begin(), data.end()));
  }

  // Every datagram that entered the switch (sent or injected), oldest first.
  const std::vector<Datagram>& log() const { return log_; }
  void clear_log() { log_.clear(); }
  // Datagrams for which the filter returns true are logged but not delivered.
  void set_drop_filter(DropFilter filter) { drop_ = std::move(filter); }

  // ---- used by the attached backends ----
  struct Socket {
    std::string host_ip;
    std::string ifname;
    std::string bind_ip;  // "0.0.0.0" for the wildcard
    uint16_t port = 0;
    bool reuse = false;
    bool receive = true;
    size_t max_datagram = 65536;
    std::set<std::string> groups;
    bool mcast_loop = true;
    int mcast_ttl = 1;
    std::deque<Datagram> inbox;
  };
  int bind(Socket& socket, uint16_t port, std::string& error);
  void unbind(Socket& socket);
  void send(const Socket& sender, const Address& to, const uint8_t* data, size_t len);

 private:
  void route(const Datagram& d, const Socket* sender);
  static bool is_multicast(const std::string& ip);

  std::vector<Socket*> sockets_;
  std::vector<Datagram> log_;
  DropFilter drop_;
};

}  // namespace wgmesh::test
