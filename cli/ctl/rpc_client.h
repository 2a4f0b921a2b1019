// A blocking JSON-RPC client for the wgmeshd socket, with a deadline on every step
// (connect, send, receive) so a hung daemon cannot hang the caller. One request at a time;
// response ids are checked.
#pragma once

#include <cstdint>
#include <string>

#include "common/unique_fd.h"

namespace wgmesh::ctl {

struct RpcFailure {
  enum class Kind {
    kNoDaemon,    // path missing or nobody listening
    kPermission,  // EACCES on the socket file, or the daemon's SO_PEERCRED check refused us
    kTimeout,     // no connection or answer within the timeout
    kRpc,         // the daemon answered with a JSON-RPC error (code, message)
    kProtocol,    // the answer was not a valid response (or the connection dropped)
  };
  Kind kind = Kind::kProtocol;
  int code = 0;         // JSON-RPC error code for kRpc (and for daemon-side refusals)
  std::string message;  // human-readable, names the socket path where useful
};

class RpcClient {
 public:
  RpcClient(std::string socket_path, int timeout_ms);

  bool connect(RpcFailure& failure);
  // Sends one request and waits for its response. `params_json` is a JSON object text, or
  // empty to send no params. On success `result_json` holds the result value's text.
  bool call(const std::string& method, const std::string& params_json, std::string& result_json,
            RpcFailure& failure);

  const std::string& socket_path() const { return path_; }

 private:
  bool send_all(const std::string& data, int64_t deadline_ms, RpcFailure& failure,
                bool& peer_closed);
  bool read_line(std::string& line, int64_t deadline_ms, RpcFailure& failure);
  RpcFailure timeout_failure(const char* what) const;

  std::string path_;
  int timeout_ms_;
  UniqueFd fd_;
  std::string inbox_;  // bytes received after the last complete line
  uint64_t next_id_ = 1;
};

}  // namespace wgmesh::ctl
