#include "core/rpc_config.h"

#include <rapidjson/document.h>

namespace wgmesh::rpc {
namespace {

bool read_uint(const rapidjson::Value& obj, const char* key, uint64_t min, uint64_t max,
               uint64_t& out, std::string& error) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return true;
  if (!it->value.IsUint64() || it->value.GetUint64() < min || it->value.GetUint64() > max) {
    error = std::string(key) + " must be an integer in " + std::to_string(min) + ".." +
            std::to_string(max);
    return false;
  }
  out = it->value.GetUint64();
  return true;
}

bool read_string(const rapidjson::Value& obj, const char* key, std::string& out,
                 std::string& error) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return true;
  if (!it->value.IsString()) {
    error = std::string(key) + " must be a string";
    return false;
  }
  out.assign(it->value.GetString(), it->value.GetStringLength());
  if (out.find('\0') != std::string::npos) {
    error = std::string(key) + " must not contain NUL";
    return false;
  }
  return true;
}

}  // namespace

bool parse_rpc_config(std::string_view json, RpcConfig& out, std::string& error) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    error = "configuration is not a JSON object";
    return false;
  }
  RpcConfig cfg;
  uint64_t max_request = cfg.max_request_bytes, idle = cfg.idle_timeout_ms,
           max_conn = cfg.max_connections;
  if (!read_string(doc, "socket_path", cfg.socket_path, error) ||
      !read_string(doc, "group", cfg.group, error) ||
      // A request line needs room for at least a minimal envelope; 64 MiB is far beyond any
      // sane request and keeps one connection from pinning unbounded memory.
      !read_uint(doc, "max_request_bytes", 64, 64ull << 20, max_request, error) ||
      !read_uint(doc, "idle_timeout_ms", 0, 86'400'000, idle, error) ||
      !read_uint(doc, "max_connections", 1, 65536, max_conn, error))
    return false;
  if (doc.HasMember("socket_path") && cfg.socket_path.empty()) {
    error = "socket_path must not be empty (omit it for the default)";
    return false;
  }
  cfg.max_request_bytes = static_cast<size_t>(max_request);
  cfg.idle_timeout_ms = idle;
  cfg.max_connections = static_cast<size_t>(max_conn);
  out = std::move(cfg);
  return true;
}

}  // namespace wgmesh::rpc
