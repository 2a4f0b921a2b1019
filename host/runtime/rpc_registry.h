// JSON-RPC method registry. Any host part or plugin registers methods; transports (the rpc
// plugin) dispatch into it. The registry answers "rpc.list" itself, so wgmeshctl can see
// every method that the loaded plugins offer.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/result.h"

namespace wgmesh {

// JSON-RPC 2.0 error codes used across the host.
inline constexpr int kRpcParseError = -32700;
inline constexpr int kRpcInvalidRequest = -32600;
inline constexpr int kRpcMethodNotFound = -32601;
inline constexpr int kRpcInvalidParams = -32602;
inline constexpr int kRpcInternalError = -32603;

// Completion of one call: either a result (JSON text) or an error (code, message).
class RpcResponder {
 public:
  using Done = std::function<void(bool is_error, const std::string& json)>;
  explicit RpcResponder(Done done) : done_(std::move(done)) {}
  // Exactly one of these, once; later calls are ignored (and reported false).
  bool reply(const std::string& result_json);
  bool error(int code, const std::string& message);
  bool answered() const { return answered_; }

 private:
  Done done_;
  bool answered_ = false;
};

using RpcHandler = std::function<void(std::shared_ptr<RpcResponder> responder, const std::string& params)>;

struct RpcMethod {
  std::string owner;  // "host" or the plugin name
  std::string description;
  RpcHandler handler;
};

class RpcRegistry {
 public:
  RpcRegistry();
  Status add(const std::string& method, const std::string& owner, const std::string& description,
             RpcHandler handler);
  void remove_owner(const std::string& owner);  // when a plugin is unloaded
  // Calls `done` exactly once (possibly later, if the handler answers asynchronously).
  void dispatch(const std::string& method, const std::string& params, RpcResponder::Done done);
  const std::map<std::string, RpcMethod>& methods() const { return methods_; }

 private:
  std::map<std::string, RpcMethod> methods_;
};

// Builds {"code":N,"message":"..."}.
std::string rpc_error_json(int code, const std::string& message);

}  // namespace wgmesh
