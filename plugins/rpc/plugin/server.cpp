#include "plugin/server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "core/envelope.h"
#include "core/error_codes.h"
#include "plugin/connection.h"

namespace wgmesh::rpc {
namespace {

constexpr int kAcceptsPerWakeup = 64;
// Out of descriptors: stop accepting for a moment rather than spin on a listener that
// stays readable (the pending clients wait in the backlog meanwhile).
constexpr uint64_t kAcceptPauseMs = 100;
// Refusals are counted always but logged at most this often, so a local user cannot flood
// the log by connecting in a loop.
constexpr int kRefusalLogsPerMinute = 10;

}  // namespace

Server::Server(HostRef host, RpcConfig config, AccessPolicy policy, std::string socket_path)
    : host_(host),
      config_(std::move(config)),
      policy_(policy),
      socket_path_(std::move(socket_path)) {}

Server::~Server() { stop(); }

bool Server::start(std::string& error) {
  ListenOptions opts;
  opts.path = socket_path_;
  opts.group = policy_.group;
  if (!create_listening_socket(opts, listener_, error)) return false;
  if (!watch_listener()) {
    error = "cannot watch the listening socket";
    remove_socket_file(listener_);
    listener_ = ListeningSocket{};
    return false;
  }
  update_gauge();  // also leaves the idle sweep off: there is nothing to sweep yet
  return true;
}

void Server::stop() {
  sweep_timer_.stop();
  resume_timer_.stop();
  if (listener_watch_) host_.api->fd_unwatch(host_.ctx, listener_watch_);
  listener_watch_ = nullptr;
  // Connections unwatch their sockets in their destructors; clear before the listener goes.
  std::map<uint64_t, std::shared_ptr<Connection>> closing;
  closing.swap(connections_);
  closing.clear();
  if (listener_.fd) {
    remove_socket_file(listener_);
    listener_ = ListeningSocket{};
  }
  update_gauge();
}

bool Server::watch_listener() {
  listener_watch_ = host_.api->fd_watch(host_.ctx, listener_.fd.get(), WGM_FD_READABLE,
                                        &Server::on_listener, this);
  return listener_watch_ != nullptr;
}

void Server::on_listener(void* user, int, int) {
  try {
    static_cast<Server*>(user)->accept_clients();
  } catch (...) {
    // Nothing may cross the ABI.
  }
}

void Server::on_sweep(void* user) {
  try {
    static_cast<Server*>(user)->sweep_idle();
  } catch (...) {
  }
}

void Server::on_resume(void* user) {
  try {
    auto* self = static_cast<Server*>(user);
    self->resume_timer_.stop();
    if (self->listener_.fd && !self->listener_watch_) self->watch_listener();
  } catch (...) {
  }
}

bool Server::log_allowed() {
  uint64_t now = host_.now_ms();
  if (now - log_window_start_ >= 60000) {
    log_window_start_ = now;
    log_window_count_ = 0;
  }
  return log_window_count_++ < kRefusalLogsPerMinute;
}

void Server::pause_accepting() {
  if (listener_watch_) host_.api->fd_unwatch(host_.ctx, listener_watch_);
  listener_watch_ = nullptr;
  resume_timer_.start(host_.api, host_.ctx, kAcceptPauseMs, 0, &Server::on_resume, this);
}

// Refused clients get one JSON-RPC error line (id null: they sent nothing yet) and the
// connection is closed. The socket is new and its send buffer empty, so this cannot block.
void Server::refuse(int fd, const char* counter, int code, const std::string& message) {
  host_.count(counter);
  std::string line = error_response("null", code, message);
  ssize_t n = ::send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  (void)n;  // best effort: the client may already be gone
  ::close(fd);
}

void Server::accept_clients() {
  for (int i = 0; i < kAcceptsPerWakeup && listener_.fd; ++i) {
    int fd = ::accept4(listener_.fd.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      host_.count("accept_errors");
      if (log_allowed())
        host_.log(WGM_LOG_WARN,
                  std::string("accept on ") + socket_path_ + ": " + std::strerror(errno));
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        pause_accepting();
      return;
    }
    PeerCredentials peer;
    std::string cred_error;
    if (!read_peer_credentials(fd, peer, cred_error) || !policy_.allows(peer)) {
      if (log_allowed())
        host_.log(WGM_LOG_WARN, cred_error.empty()
                                    ? "refused RPC client uid " + std::to_string(peer.uid) +
                                          " (pid " + std::to_string(peer.pid) + "): not allowed"
                                    : "refused RPC client: " + cred_error);
      refuse(fd, "refused_permission", kPermissionDenied,
             "permission denied: uid " + std::to_string(peer.uid) +
                 " may not use this socket (root, the daemon's user" +
                 (policy_.group ? std::string(" or the configured group") : std::string()) +
                 " only)");
      continue;
    }
    if (connections_.size() >= config_.max_connections) {
      if (log_allowed())
        host_.log(WGM_LOG_WARN, "refused RPC client: " + std::to_string(connections_.size()) +
                                    " connections open (max_connections)");
      refuse(fd, "refused_limit", kTooManyConnections,
             "too many connections (limit " + std::to_string(config_.max_connections) + ")");
      continue;
    }
    uint64_t id = next_id_++;
    auto conn = std::make_shared<Connection>(*this, UniqueFd(fd), id);
    connections_.emplace(id, conn);
    host_.count("connections");
    if (!conn->start()) {
      host_.log(WGM_LOG_WARN, "cannot watch an RPC connection; closing it");
      connections_.erase(id);
    }
    update_gauge();
  }
}

void Server::drop(uint64_t id) {
  if (connections_.erase(id)) update_gauge();
}

void Server::sweep_idle() {
  uint64_t now = host_.now_ms();
  std::vector<uint64_t> expired;
  for (const auto& [id, conn] : connections_)
    if (conn->idle_expired(now, config_.idle_timeout_ms)) expired.push_back(id);
  for (uint64_t id : expired) {
    host_.count("idle_timeouts");
    drop(id);
  }
}

void Server::update_gauge() {
  host_.gauge("connections_open", static_cast<int64_t>(connections_.size()));
  update_sweep();
}

// Why only while connections are open: an idle daemon usually has no RPC client at all,
// and a sweep every second would then be its most frequent wakeup (60 a minute for
// nothing). Every change of `connections_` goes through update_gauge(), so the timer
// starts with the first connection and stops with the last.
void Server::update_sweep() {
  const bool wanted = config_.idle_timeout_ms > 0 && !connections_.empty() && listener_.fd;
  if (wanted == sweep_timer_.running()) return;
  if (!wanted) {
    sweep_timer_.stop();
    return;
  }
  uint64_t every = std::clamp<uint64_t>(config_.idle_timeout_ms / 4, 10, 1000);
  sweep_timer_.start(host_.api, host_.ctx, every, every, &Server::on_sweep, this);
}

}  // namespace wgmesh::rpc
