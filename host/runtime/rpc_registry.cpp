#include "runtime/rpc_registry.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace wgmesh {

bool RpcResponder::reply(const std::string& result_json) {
  if (answered_) return false;
  answered_ = true;
  done_(false, result_json.empty() ? "null" : result_json);
  return true;
}

bool RpcResponder::error(int code, const std::string& message) {
  if (answered_) return false;
  answered_ = true;
  done_(true, rpc_error_json(code, message));
  return true;
}

std::string rpc_error_json(int code, const std::string& message) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("code");
  w.Int(code);
  w.Key("message");
  w.String(message.c_str(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

RpcRegistry::RpcRegistry() {
  Status registered = add("rpc.list", "host", "List every registered RPC method with its owner and description",
      [this](std::shared_ptr<RpcResponder> r, const std::string&) {
        rapidjson::StringBuffer buf;
        rapidjson::Writer<rapidjson::StringBuffer> w(buf);
        w.StartArray();
        for (const auto& [name, m] : methods_) {
          w.StartObject();
          w.Key("method");
          w.String(name.c_str());
          w.Key("owner");
          w.String(m.owner.c_str());
          w.Key("description");
          w.String(m.description.c_str());
          w.EndObject();
        }
        w.EndArray();
        r->reply(std::string(buf.GetString(), buf.GetSize()));
      });
  (void)registered;  // cannot fail on an empty registry
}

Status RpcRegistry::add(const std::string& method, const std::string& owner,
                        const std::string& description, RpcHandler handler) {
  if (method.empty()) return Error{"rpc: empty method name"};
  if (methods_.count(method))
    return Error{"rpc: method '" + method + "' is already registered by " + methods_[method].owner};
  methods_[method] = RpcMethod{owner, description, std::move(handler)};
  return {};
}

void RpcRegistry::remove_owner(const std::string& owner) {
  for (auto it = methods_.begin(); it != methods_.end();)
    it = it->second.owner == owner ? methods_.erase(it) : std::next(it);
}

void RpcRegistry::dispatch(const std::string& method, const std::string& params,
                           RpcResponder::Done done) {
  auto responder = std::make_shared<RpcResponder>(std::move(done));
  auto it = methods_.find(method);
  if (it == methods_.end()) {
    responder->error(kRpcMethodNotFound, "method not found: " + method);
    return;
  }
  // Copy the handler: it may unregister methods (and so destroy itself) while running.
  RpcHandler handler = it->second.handler;
  handler(responder, params);
}

}  // namespace wgmesh
