// One client connection: reads request lines, answers them strictly in order (one request
// is with the host at a time, as in the original), writes responses without blocking, and
// applies the per-connection limits (request size, idle time, buffered data).
#pragma once

#include <wgmesh/plugin.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "common/unique_fd.h"
#include "core/line_framer.h"

namespace wgmesh::rpc {

class Server;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server& server, UniqueFd fd, uint64_t id);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  uint64_t id() const { return id_; }
  // Starts watching the socket. False if the host refused the watch.
  bool start();
  // The host answered the request in flight.
  void on_reply(bool is_error, std::string_view json);
  // Idle means: no complete request received and no response bytes written for idle_ms
  // (a partial line does not count as activity, which is what defeats slow-loris clients).
  // Waiting for the daemon's own answer is not the client's idleness, unless the client
  // already hung up.
  bool idle_expired(uint64_t now_ms, uint64_t idle_ms) const;

 private:
  static void on_fd(void* user, int fd, int events);
  void handle_events(int events);
  void read_input();
  void pump();
  void handle_line(const std::string& line);
  void append(std::string response);
  void flush();
  bool wants_read() const;
  bool update_watch();  // false if the host refused the watch
  size_t pending_output() const { return out_.size() - out_off_; }

  Server& server_;
  UniqueFd fd_;
  uint64_t id_;
  LineFramer framer_;
  std::deque<std::string> queue_;  // complete lines not yet handled
  size_t queued_bytes_ = 0;
  std::string out_;  // responses not yet written, from out_off_
  size_t out_off_ = 0;
  wgm_watch* watch_ = nullptr;
  int watched_events_ = 0;
  bool in_flight_ = false;
  std::string in_flight_id_;  // JSON id of the request with the host
  bool eof_ = false;          // the client will send nothing more
  bool dead_ = false;         // the socket failed: drop without further writes
  bool closing_ = false;      // close once the output is flushed
  bool oversized_ = false;    // a too-long line arrived: answer the earlier lines, then refuse
  bool pumping_ = false;
  uint64_t last_activity_ms_;
};

}  // namespace wgmesh::rpc
