// One request/response exchange with a UAPI socket: a non-blocking unix stream socket whose
// every wait is bounded by an inactivity timeout. Separate from the backend so the I/O rules
// (early replies, EPIPE, size limits) are in one place.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace wgmesh::wg {

class UapiConnection {
 public:
  static Result<UapiConnection> open(const std::string& path, std::chrono::milliseconds timeout);
  UapiConnection(UapiConnection&& other) noexcept;
  UapiConnection& operator=(UapiConnection&& other) noexcept;
  UapiConnection(const UapiConnection&) = delete;
  UapiConnection& operator=(const UapiConnection&) = delete;
  ~UapiConnection();

  // Writes all of `data`. Fails if the server stops reading for longer than the timeout, or
  // if it closed the connection or already answered: a server that hits an error mid-request
  // replies at once and stops reading, and then server_replied() is true and
  // read_response() returns that reply.
  Status write_all(std::string_view data);
  bool server_replied() const { return server_replied_; }
  // Bytes of requests the socket accepted so far (0: the server saw nothing of this one).
  std::size_t bytes_sent() const { return bytes_sent_; }

  // For a connection kept between requests: true if it is still open and the server has
  // sent nothing unasked (no end of stream, no error, no stray bytes), so it can carry the
  // next request. Does not block.
  bool reusable() const;
  // Starts the count of bytes_sent() and server_replied() afresh for the next request.
  void begin_request() {
    bytes_sent_ = 0;
    server_replied_ = false;
  }

  // Reads until a complete response (see uapi::response_complete) or end of stream.
  Result<std::string> read_response(std::size_t max_bytes);

 private:
  UapiConnection(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}
  // Waits for `events`; false on timeout. Sets revents.
  Status wait(short events, short& revents, const char* what);

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  bool server_replied_ = false;
  std::size_t bytes_sent_ = 0;
};

}  // namespace wgmesh::wg
