// JSON-RPC error codes of the wgmesh RPC socket. The first five are the original's (spec
// centralized-rpc-cli.md §7.5) and the JSON-RPC 2.0 standard ones; the -320xx codes are in
// the range JSON-RPC reserves for server errors and are used only by the C++ server's
// improvements (limits and access control), which the original never reported.
#pragma once

namespace wgmesh::rpc {

inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;

inline constexpr int kPermissionDenied = -32001;    // SO_PEERCRED check failed; then closed
inline constexpr int kTooManyConnections = -32002;  // max_connections reached; then closed
inline constexpr int kRequestTooLarge = -32003;  // line longer than max_request_bytes; then closed

}  // namespace wgmesh::rpc
