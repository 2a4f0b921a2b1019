#include "fake_network.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace wgmesh::test {
namespace {

sockaddr_in to_sockaddr(const FakeNetwork::Address& a) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(a.port);
  inet_pton(AF_INET, a.ip.c_str(), &sa.sin_addr);
  return sa;
}

bool from_sockaddr(const sockaddr* to, socklen_t len, FakeNetwork::Address& out) {
  if (!to || to->sa_family != AF_INET || len < static_cast<socklen_t>(sizeof(sockaddr_in)))
    return false;
  const auto* sa = reinterpret_cast<const sockaddr_in*>(to);
  char buf[INET_ADDRSTRLEN] = {0};
  inet_ntop(AF_INET, &sa->sin_addr, buf, sizeof buf);
  out = {buf, ntohs(sa->sin_port)};
  return true;
}

// One socket of a machine on the in-memory segment.
class MemoryEndpoint : public UdpEndpoint {
 public:
  MemoryEndpoint(FakeNetwork& net, FakeNetwork::Socket socket)
      : net_(net), socket_(std::move(socket)) {}
  ~MemoryEndpoint() override { net_.unbind(socket_); }

  int bind(uint16_t port, std::string& error) { return net_.bind(socket_, port, error); }

  int send(const sockaddr* to, socklen_t to_len, const uint8_t* data, size_t len) override {
    FakeNetwork::Address dst;
    if (!from_sockaddr(to, to_len, dst)) return WGM_ERR_INVALID;
    net_.send(socket_, dst, data, len);
    return WGM_OK;
  }
  int join(const std::string& group, const std::string& ifname) override {
    if (!ifname.empty() && ifname != socket_.ifname) return WGM_ERR_IO;
    in_addr a{};
    if (inet_pton(AF_INET, group.c_str(), &a) != 1 || (ntohl(a.s_addr) >> 28) != 0xe)
      return WGM_ERR_IO;
    socket_.groups.insert(group);
    return WGM_OK;
  }
  int leave(const std::string& group, const std::string& ifname) override {
    if (!ifname.empty() && ifname != socket_.ifname) return WGM_ERR_IO;
    return socket_.groups.erase(group) ? WGM_OK : WGM_ERR_IO;
  }
  int set_option(wgm_udp_option option, int value) override {
    switch (option) {
      case WGM_UDP_OPT_MCAST_TTL:
        socket_.mcast_ttl = value;
        return WGM_OK;
      case WGM_UDP_OPT_MCAST_LOOP:
        socket_.mcast_loop = value != 0;
        return WGM_OK;
      case WGM_UDP_OPT_TTL:
        return WGM_OK;
    }
    return WGM_ERR_UNSUPPORTED;
  }
  int send_multicast(const std::string& group, uint16_t port, const std::string& ifname,
                     const uint8_t* data, size_t len) override {
    if (!ifname.empty() && ifname != socket_.ifname) return WGM_ERR_IO;
    net_.send(socket_, {group, port}, data, len);
    return WGM_OK;
  }
  int local_port() const override { return socket_.port; }
  size_t drain(const Receive& receive) override {
    size_t n = 0;
    // Bounded per call, like the host's socket, so one flooded socket cannot starve the rest.
    while (!socket_.inbox.empty() && n < 64) {
      FakeNetwork::Datagram d = std::move(socket_.inbox.front());
      socket_.inbox.pop_front();
      ++n;
      sockaddr_in from = to_sockaddr(d.from);
      receive(d.data.data(), d.data.size(), reinterpret_cast<const sockaddr*>(&from), sizeof from);
    }
    return n;
  }

 private:
  FakeNetwork& net_;
  FakeNetwork::Socket socket_;
};

class MemoryBackend : public UdpBackend {
 public:
  MemoryBackend(FakeNetwork& net, std::string ip, std::string ifname)
      : net_(net), ip_(std::move(ip)), ifname_(std::move(ifname)) {}

  int open(const wgm_udp_options& o, std::unique_ptr<UdpEndpoint>& out,
           std::string& error) override {
    if (o.family != AF_INET) {
      error = "the in-memory network is IPv4 only";
      return WGM_ERR_UNSUPPORTED;
    }
    FakeNetwork::Socket s;
    s.host_ip = ip_;
    s.ifname = ifname_;
    s.bind_ip = o.bind_addr ? o.bind_addr : "0.0.0.0";
    if (s.bind_ip != "0.0.0.0" && s.bind_ip != ip_ && s.bind_ip != "127.0.0.1") {
      error = "cannot bind " + s.bind_ip + " on " + ip_ + " (EADDRNOTAVAIL)";
      return WGM_ERR_IO;
    }
    s.reuse = (o.flags & WGM_UDP_REUSEADDR) != 0;
    s.receive = (o.flags & WGM_UDP_NO_RECV) == 0;
    s.max_datagram = o.max_datagram ? o.max_datagram : 65536;
    auto ep = std::make_unique<MemoryEndpoint>(net_, std::move(s));
    int rc = ep->bind(o.port, error);
    if (rc != WGM_OK) return rc;
    out = std::move(ep);
    return WGM_OK;
  }

 private:
  FakeNetwork& net_;
  std::string ip_;
  std::string ifname_;
};

}  // namespace

std::unique_ptr<UdpBackend> FakeNetwork::attach(const std::string& ip, const std::string& ifname) {
  return std::make_unique<MemoryBackend>(*this, ip, ifname);
}

bool FakeNetwork::is_multicast(const std::string& ip) {
  in_addr a{};
  return inet_pton(AF_INET, ip.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 28) == 0xe;
}

int FakeNetwork::bind(Socket& socket, uint16_t port, std::string& error) {
  auto taken = [&](uint16_t p, bool reuse) {
    return std::any_of(sockets_.begin(), sockets_.end(), [&](const Socket* s) {
      return s->host_ip == socket.host_ip && s->port == p && !(reuse && s->reuse);
    });
  };
  if (port == 0) {
    for (uint32_t p = 32768; p < 61000; ++p) {
      if (!taken(static_cast<uint16_t>(p), false)) {
        port = static_cast<uint16_t>(p);
        break;
      }
    }
  } else if (taken(port, socket.reuse)) {
    error = "port " + std::to_string(port) + " on " + socket.host_ip + " is in use (EADDRINUSE)";
    return WGM_ERR_IO;
  }
  socket.port = port;
  sockets_.push_back(&socket);
  return WGM_OK;
}

void FakeNetwork::unbind(Socket& socket) {
  sockets_.erase(std::remove(sockets_.begin(), sockets_.end(), &socket), sockets_.end());
}

void FakeNetwork::send(const Socket& sender, const Address& to, const uint8_t* data, size_t len) {
  std::string src_ip = sender.bind_ip == "0.0.0.0" ? sender.host_ip : sender.bind_ip;
  if (src_ip == "127.0.0.1" && !is_multicast(to.ip) && to.ip != "127.0.0.1")
    src_ip = sender.host_ip;
  Datagram d{{src_ip, sender.port}, to, std::vector<uint8_t>(data, data + len)};
  log_.push_back(d);
  if (drop_ && drop_(d)) return;
  route(d, &sender);
}

void FakeNetwork::inject(const Address& from, const Address& to, std::vector<uint8_t> data) {
  Datagram d{from, to, std::move(data)};
  log_.push_back(d);
  if (drop_ && drop_(d)) return;
  route(d, nullptr);
}

void FakeNetwork::route(const Datagram& d, const Socket* sender) {
  if (is_multicast(d.to.ip)) {
    for (Socket* s : sockets_) {
      if (!s->receive || s->port != d.to.port || !s->groups.count(d.to.ip)) continue;
      bool same_host = sender && s->host_ip == sender->host_ip;
      if (same_host && !sender->mcast_loop) continue;               // IP_MULTICAST_LOOP off
      if (!same_host && sender && sender->mcast_ttl < 1) continue;  // TTL 0: this host only
      if (d.data.size() > s->max_datagram) continue;
      s->inbox.push_back(d);
    }
    return;
  }
  // Unicast: the first matching socket, as the kernel picks one among SO_REUSEPORT sharers.
  for (Socket* s : sockets_) {
    bool host_match = s->host_ip == d.to.ip ||
                      (d.to.ip == "127.0.0.1" && sender && s->host_ip == sender->host_ip);
    bool bind_match = s->bind_ip == "0.0.0.0" || s->bind_ip == d.to.ip;
    if (!s->receive || s->port != d.to.port || !host_match || !bind_match) continue;
    if (d.data.size() <= s->max_datagram) s->inbox.push_back(d);
    return;
  }
}

}  // namespace wgmesh::test
