#include "wireguard/uapi_connection.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "wireguard/secure_wipe.h"
#include "wireguard/uapi_protocol.h"

namespace wgmesh::wg {

Result<UapiConnection> UapiConnection::open(const std::string& path,
                                            std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return Error{"UAPI socket path too long: " + path};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Error{std::string("UAPI socket: ") + std::strerror(errno)};
  UapiConnection conn(fd, timeout);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return conn;
  // A full listen backlog makes a non-blocking unix connect fail with EAGAIN rather than
  // wait; retry within the timeout instead of failing a busy but healthy server.
  const int err = errno;
  if (err != EAGAIN && err != EINPROGRESS)
    return Error{"cannot connect to " + path + ": " + std::strerror(err)};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    ::usleep(2000);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 ||
        errno == EISCONN)
      return conn;
    if (errno != EAGAIN && errno != EINPROGRESS && errno != EALREADY)
      return Error{"cannot connect to " + path + ": " + std::strerror(errno)};
  }
  return Error{"connecting to " + path + " timed out"};
}

UapiConnection::UapiConnection(UapiConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      timeout_(other.timeout_),
      server_replied_(other.server_replied_),
      bytes_sent_(other.bytes_sent_) {}

UapiConnection& UapiConnection::operator=(UapiConnection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    timeout_ = other.timeout_;
    server_replied_ = other.server_replied_;
    bytes_sent_ = other.bytes_sent_;
  }
  return *this;
}

UapiConnection::~UapiConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool UapiConnection::reusable() const {
  if (fd_ < 0) return false;
  pollfd p{fd_, POLLIN | POLLRDHUP, 0};
  int n;
  do {
    n = ::poll(&p, 1, 0);
  } while (n < 0 && errno == EINTR);
  // Any event on an idle connection (end of stream, hang-up, error, unasked bytes) means
  // the server is gone or out of step with us.
  return n == 0;
}

Status UapiConnection::wait(short events, short& revents, const char* what) {
  pollfd p{fd_, events, 0};
  while (true) {
    const int n = ::poll(&p, 1, static_cast<int>(timeout_.count()));
    if (n > 0) {
      revents = p.revents;
      return {};
    }
    if (n == 0)
      return Error{std::string("UAPI ") + what + ": no progress for " +
                   std::to_string(timeout_.count()) + " ms"};
    if (errno != EINTR) return Error{std::string("UAPI poll: ") + std::strerror(errno)};
  }
}

Status UapiConnection::write_all(std::string_view data) {
  while (!data.empty()) {
    short revents = 0;
    if (auto st = wait(POLLOUT | POLLIN, revents, "write"); !st) return st;
    if ((revents & POLLIN) != 0) {  // answered before the request ended: it hit an error
      server_replied_ = true;
      return Error{"UAPI server answered before the request was complete"};
    }
    if ((revents & (POLLERR | POLLHUP)) != 0 && (revents & POLLOUT) == 0) {
      server_replied_ = true;  // maybe; read_response() will tell
      return Error{"UAPI server closed the connection during the request"};
    }
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      bytes_sent_ += static_cast<std::size_t>(n);
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      const int err = errno;
      server_replied_ = true;  // EPIPE/ECONNRESET: a reply may still be buffered for us
      return Error{std::string("UAPI write: ") + std::strerror(err)};
    }
  }
  return {};
}

Result<std::string> UapiConnection::read_response(std::size_t max_bytes) {
  std::string buf;
  char chunk[16384];
  // A get reply holds the private key: leave no copy behind on any path.
  const auto fail = [&](std::string message) -> Result<std::string> {
    wipe(buf);
    wipe(chunk, sizeof chunk);
    return Error{std::move(message)};
  };
  while (!uapi::response_complete(buf)) {
    short revents = 0;
    if (auto st = wait(POLLIN, revents, "read"); !st) return fail(st.message());
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n == 0) break;  // end of stream: let the parser judge what arrived
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      if (errno == ECONNRESET && !buf.empty()) break;
      return fail(std::string("UAPI read: ") + std::strerror(errno));
    }
    buf.append(chunk, static_cast<std::size_t>(n));
    if (buf.size() > max_bytes)
      return fail("UAPI reply exceeds " + std::to_string(max_bytes) + " bytes");
  }
  wipe(chunk, sizeof chunk);
  return buf;
}

}  // namespace wgmesh::wg
