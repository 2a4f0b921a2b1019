// What the plugin host table needs from the mesh layer (keys, envelope, local node, peer
// store, control channel). The runtime depends only on this interface; host/mesh implements
// it. A host without a mesh secret (e.g. a pure lighthouse) has none, and the table answers
// WGM_ERR_STATE for these calls.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"

namespace wgmesh {

enum class PeerEvent;

struct ControlMessage {
  const std::string& type;
  const std::string& payload;
  const sockaddr* from;
  socklen_t from_len;
  bool retransmission;
};

class MeshServices {
 public:
  using ControlHandler = std::function<void(const ControlMessage&)>;
  using ExchangeDone = std::function<void(int status, const std::string& peer_json)>;

  virtual ~MeshServices() = default;

  // lifecycle: started before plugins, stopped after them (plugins say goodbye through it)
  virtual Status start() = 0;
  virtual void stop() = 0;
  virtual Status reload_routes(const std::vector<std::string>& routes) = 0;

  // keys & envelope (status codes are wgm_status values)
  virtual int key_value(const std::string& name, std::string& out) = 0;
  virtual int hourly_infohash(int64_t unix_seconds, uint8_t out[20]) = 0;
  virtual int epoch_hmac(const uint8_t* msg, size_t len, uint8_t out[32]) = 0;
  virtual int seal(const std::string& type, const std::string& payload, std::string& out) = 0;
  virtual int open(const uint8_t* data, size_t len, uint32_t flags, const sockaddr* from,
                   socklen_t from_len, std::string& type, std::string& payload) = 0;
  virtual std::string local_announcement(uint32_t max_known_peers) = 0;

  // local node
  virtual std::string local_node_json() = 0;
  virtual int set_local_endpoint(const std::string& endpoint, const std::string& source) = 0;
  virtual int set_local_nat_type(const std::string& nat_type) = 0;
  virtual uint64_t subscribe_local(std::function<void()> cb) = 0;

  // peer store
  virtual int register_source(const std::string& label, int rank, int cls) = 0;
  virtual int report_peer(const std::string& label, const std::string& json,
                          const std::string& reporter) = 0;
  virtual int remove_peer(const std::string& pubkey, const std::string& reason) = 0;
  virtual int peer_json(const std::string& pubkey, std::string& out) = 0;
  virtual std::string peers_json(bool active_only) = 0;
  virtual size_t peer_count(bool active_only) = 0;
  virtual uint64_t subscribe_peers(std::function<void(PeerEvent, const std::string&)> cb) = 0;
  virtual void unsubscribe(uint64_t id) = 0;
  virtual void request_reconcile() = 0;

  // control channel
  virtual int control_register(const std::string& type, const std::string& owner,
                               ControlHandler handler) = 0;
  virtual void control_unregister_owner(const std::string& owner) = 0;
  virtual int control_send(const std::string& type, const std::string& payload,
                           const sockaddr* to, socklen_t to_len) = 0;
  virtual int control_exchange(const sockaddr* to, socklen_t to_len, uint32_t flags,
                               uint32_t timeout_ms, const std::string& label,
                               ExchangeDone done) = 0;
};

}  // namespace wgmesh
