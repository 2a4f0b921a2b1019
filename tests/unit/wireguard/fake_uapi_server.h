// A scripted UAPI server on a unix socket in a private temp directory, so UapiBackend's I/O
// rules (timeouts, early replies, large transfers) are tested without wireguard-go or root.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

namespace wgmesh::wg::testing {

class FakeUapiServer {
 public:
  explicit FakeUapiServer(std::string ifname = "wgfake0") : ifname_(std::move(ifname)) {
    char tmpl[] = "/tmp/wgmesh-uapi-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path().c_str(), sizeof addr.sun_path - 1);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 16);
  }
  ~FakeUapiServer() {
    join();
    ::close(listen_fd_);
    std::filesystem::remove_all(dir_);
  }

  // Accepts connections in a thread; each one is handed to `handler`, which owns the fd.
  // Stops after `connections` connections.
  void serve(std::function<void(int)> handler, int connections = 1) {
    thread_ = std::thread([this, handler, connections] {
      for (int i = 0; i < connections; ++i) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 10000) <= 0) return;  // never hang a test run
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) return;
        handler(fd);
        ::close(fd);
      }
    });
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

  const std::string& dir() const { return dir_; }
  const std::string& ifname() const { return ifname_; }
  std::string path() const { return dir_ + "/" + ifname_ + ".sock"; }

  // Reads until a blank line ends the request (or EOF / 10 s).
  static std::string read_request(int fd, std::size_t limit = 64u << 20) {
    std::string req;
    char buf[65536];
    while (req.find("\n\n") == std::string::npos && req.size() < limit) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 10000) <= 0) break;
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      req.append(buf, static_cast<std::size_t>(n));
    }
    return req;
  }
  static void write_all(int fd, const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
      const ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<std::size_t>(n);
    }
  }
  // Blocks until the client hangs up (or 10 s).
  static void wait_for_hangup(int fd) {
    pollfd p{fd, POLLRDHUP, 0};
    ::poll(&p, 1, 10000);
  }

 private:
  std::string ifname_;
  std::string dir_;
  int listen_fd_ = -1;
  std::thread thread_;
};

}  // namespace wgmesh::wg::testing
