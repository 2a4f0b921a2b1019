// The JSON-RPC 2.0 envelope of the wgmesh socket, wire-compatible with the original
// (spec centralized-rpc-cli.md §7.4, §7.5): parsing one request line and rendering one
// response line. Pure functions: no sockets, no host, so they are unit- and fuzz-tested.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace wgmesh::rpc {

struct Request {
  std::string method;
  std::string params;  // compact JSON object text; "{}" when params was absent or null
  std::string id;      // JSON text to echo; "null" when absent
};

// A request that is answered without dispatching: the response is already decided.
struct RejectedRequest {
  int code;
  std::string message;
  std::string id;  // JSON text to echo ("null" for parse errors, as the original)
};

using ParsedRequest = std::variant<Request, RejectedRequest>;

// Parses one request line (without its newline). Follows the original's decoder: member
// names match case-insensitively and the last duplicate wins; null leaves a member unset;
// a wrong member type, a batch (array) or any non-object is a parse error with id null;
// jsonrpc other than "2.0" (including missing, or a bare `null` line) is -32600 with the id
// echoed. Numeric ids are echoed exactly when integral, otherwise formatted as Go does.
ParsedRequest parse_request(std::string_view line);

// Response lines, each ending in '\n'. Members in the original's order: jsonrpc, result or
// error{code,message}, id. `result_json` and `id_json` must be valid single-line JSON.
std::string result_response(std::string_view id_json, std::string_view result_json);
std::string error_response(std::string_view id_json, int code, std::string_view message);

// Turns what the host's rpc_dispatch reported (a result value, or {"code","message"} when
// is_error) into a response line. A method that returned invalid JSON or a malformed error
// object yields -32603 instead of a broken line; pretty-printed results are made single-line.
std::string response_from_dispatch(std::string_view id_json, bool is_error, std::string_view json);

// Go's encoding/json text of a float64 (what the original echoed for every numeric id).
std::string go_float_text(double value);

}  // namespace wgmesh::rpc
