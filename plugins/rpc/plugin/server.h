// The listening side: owns the socket file and every connection, accepts new clients after
// checking who they are (SO_PEERCRED) and how many there are, and closes idle ones.
#pragma once

#include <wgmesh/plugin.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/peer_access.h"
#include "core/rpc_config.h"
#include "core/unix_listener.h"
#include "plugin/host_ref.h"

namespace wgmesh::rpc {

class Connection;

class Server {
 public:
  Server(HostRef host, RpcConfig config, AccessPolicy policy, std::string socket_path);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Creates the socket file and starts accepting. On failure `error` says why.
  bool start(std::string& error);
  // Closes every connection and the listener, and removes the socket file if it is ours.
  void stop();

  const HostRef& host() const { return host_; }
  const RpcConfig& config() const { return config_; }
  const std::string& socket_path() const { return socket_path_; }
  // Forgets a connection (it is destroyed once the caller's reference goes).
  void drop(uint64_t id);

 private:
  static void on_listener(void* user, int fd, int events);
  static void on_sweep(void* user);
  static void on_resume(void* user);
  void accept_clients();
  void refuse(int fd, const char* counter, int code, const std::string& message);
  void sweep_idle();
  bool watch_listener();
  void pause_accepting();
  bool log_allowed();
  void update_gauge();
  void update_sweep();  // the idle sweep runs only while a connection is open

  HostRef host_;
  RpcConfig config_;
  AccessPolicy policy_;
  std::string socket_path_;
  ListeningSocket listener_;
  wgm_watch* listener_watch_ = nullptr;
  wgm::Timer sweep_timer_;
  wgm::Timer resume_timer_;
  std::map<uint64_t, std::shared_ptr<Connection>> connections_;
  uint64_t next_id_ = 1;
  uint64_t log_window_start_ = 0;
  int log_window_count_ = 0;
};

}  // namespace wgmesh::rpc
