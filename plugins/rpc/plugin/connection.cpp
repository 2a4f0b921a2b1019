#include "plugin/connection.h"

#include <sys/socket.h>

#include <cerrno>
#include <variant>
#include <vector>

#include "core/envelope.h"
#include "core/error_codes.h"
#include "plugin/pending_calls.h"
#include "plugin/server.h"

namespace wgmesh::rpc {
namespace {

// Stop reading (backpressure) while this much output waits for a client that does not read.
constexpr size_t kOutputHighWater = 1u << 20;
// Reads per readiness callback, so one busy client cannot starve the others.
constexpr int kReadsPerWakeup = 4;

bool is_error_response(std::string_view response) {
  return response.rfind(R"({"jsonrpc":"2.0","error":)", 0) == 0;
}

}  // namespace

Connection::Connection(Server& server, UniqueFd fd, uint64_t id)
    : server_(server),
      fd_(std::move(fd)),
      id_(id),
      framer_(server.config().max_request_bytes),
      last_activity_ms_(server.host().now_ms()) {}

Connection::~Connection() {
  if (watch_) server_.host().api->fd_unwatch(server_.host().ctx, watch_);
  if (in_flight_) server_.host().count("replies_abandoned");
}

bool Connection::start() { return update_watch() && watch_ != nullptr; }

void Connection::on_fd(void* user, int, int events) {
  try {
    static_cast<Connection*>(user)->handle_events(events);
  } catch (...) {
    // No exception crosses the ABI; a connection that threw is left to its idle timeout.
  }
}

void Connection::handle_events(int events) {
  auto self = shared_from_this();  // pump() may drop us from the server
  if (events & WGM_FD_ERROR) dead_ = true;
  if (!dead_ && (events & WGM_FD_READABLE)) read_input();
  pump();
}

bool Connection::wants_read() const {
  return !eof_ && !dead_ && !closing_ && !oversized_ &&
         queued_bytes_ < server_.config().max_request_bytes && pending_output() < kOutputHighWater;
}

void Connection::read_input() {
  char buf[65536];
  for (int i = 0; i < kReadsPerWakeup && wants_read(); ++i) {
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n > 0) {
      std::vector<std::string> lines;
      LineFramer::Status st = framer_.feed(std::string_view(buf, static_cast<size_t>(n)), lines);
      if (!lines.empty()) last_activity_ms_ = server_.host().now_ms();
      for (auto& line : lines) {
        queued_bytes_ += line.size();
        queue_.push_back(std::move(line));
      }
      if (st == LineFramer::Status::kOversized) {
        oversized_ = true;
        server_.host().count("oversized_requests");
      }
      continue;
    }
    if (n == 0) {
      // The client shut down its sending side; it may still read the answers (half-close).
      eof_ = true;
      if (auto last = framer_.finish()) {
        queued_bytes_ += last->size();
        queue_.push_back(std::move(*last));
      }
      break;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) dead_ = true;
    break;
  }
}

void Connection::handle_line(const std::string& line) {
  const HostRef& host = server_.host();
  host.count("requests");
  ParsedRequest parsed = parse_request(line);
  if (auto* rejected = std::get_if<RejectedRequest>(&parsed)) {
    append(error_response(rejected->id, rejected->code, rejected->message));
    return;
  }
  Request& req = std::get<Request>(parsed);
  in_flight_ = true;
  in_flight_id_ = std::move(req.id);
  void* call = PendingCalls::add(weak_from_this());
  // May complete synchronously (most methods do): on_reply then runs inside this call.
  int rc = host.api->rpc_dispatch(host.ctx, req.method.c_str(), req.params.data(),
                                  req.params.size(), &on_dispatch_done, call);
  if (rc != WGM_OK && PendingCalls::take(call).lock()) {
    in_flight_ = false;
    append(error_response(in_flight_id_, kInternalError,
                          "internal error: dispatch failed (status " + std::to_string(rc) + ")"));
  }
}

void Connection::on_reply(bool is_error, std::string_view json) {
  if (!in_flight_) return;
  auto self = shared_from_this();
  in_flight_ = false;
  last_activity_ms_ = server_.host().now_ms();
  append(response_from_dispatch(in_flight_id_, is_error, json));
  pump();
}

void Connection::append(std::string response) {
  if (is_error_response(response)) server_.host().count("errors");
  if (out_.empty()) {
    out_ = std::move(response);
    out_off_ = 0;
  } else {
    out_.append(response);
  }
}

void Connection::flush() {
  while (pending_output() > 0) {
    ssize_t n =
        ::send(fd_.get(), out_.data() + out_off_, pending_output(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      out_off_ += static_cast<size_t>(n);
      last_activity_ms_ = server_.host().now_ms();
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    dead_ = true;  // EPIPE/ECONNRESET: the client is gone, and so are its answers
    return;
  }
  if (out_off_ == out_.size()) {
    out_.clear();
    out_off_ = 0;
  } else if (out_off_ >= 65536 && out_off_ * 2 >= out_.size()) {
    out_.erase(0, out_off_);
    out_off_ = 0;
  }
}

// Handles queued lines one at a time, writes what it can, then decides whether the
// connection ends. Re-entrant calls (a method answering synchronously from inside
// rpc_dispatch) return at once: the outer loop picks their response up.
void Connection::pump() {
  if (pumping_) return;
  auto self = shared_from_this();
  pumping_ = true;
  while (!dead_ && !in_flight_ && !queue_.empty() && pending_output() < kOutputHighWater) {
    std::string line = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= line.size();
    handle_line(line);
  }
  if (!dead_ && oversized_ && !closing_ && !in_flight_ && queue_.empty()) {
    closing_ = true;
    append(error_response("null", kRequestTooLarge,
                          "request too large (limit " +
                              std::to_string(server_.config().max_request_bytes) + " bytes)"));
  }
  if (!dead_) flush();
  pumping_ = false;
  bool done_talking = !in_flight_ && queue_.empty() && pending_output() == 0 && (closing_ || eof_);
  if (dead_ || done_talking || !update_watch()) server_.drop(id_);
}

bool Connection::update_watch() {
  int want = (wants_read() ? WGM_FD_READABLE : 0) | (pending_output() > 0 ? WGM_FD_WRITABLE : 0);
  if (want == watched_events_ && (watch_ != nullptr) == (want != 0)) return true;
  const HostRef& host = server_.host();
  // The ABI has no "modify events": replace the watch (the host stops the old one at once).
  if (watch_) host.api->fd_unwatch(host.ctx, watch_);
  watch_ = want ? host.api->fd_watch(host.ctx, fd_.get(), want, &Connection::on_fd, this) : nullptr;
  watched_events_ = want;
  return want == 0 || watch_ != nullptr;
}

bool Connection::idle_expired(uint64_t now_ms, uint64_t idle_ms) const {
  if (idle_ms == 0) return false;
  if (in_flight_ && !eof_) return false;
  return now_ms - last_activity_ms_ >= idle_ms;
}

}  // namespace wgmesh::rpc
