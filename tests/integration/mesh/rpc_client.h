// A minimal JSON-RPC client for tests: one request, one response line, over the daemon's
// unix socket (reachable from the test's namespace: unix sockets live in the filesystem).
#pragma once

#include <optional>
#include <string>

#include <rapidjson/document.h>

namespace wgmesh::testing {

// Returns the parsed response object, or nullopt if the socket is not there or answers badly.
std::optional<rapidjson::Document> rpc_call(const std::string& socket_path, const std::string& method,
                                            const std::string& params_json = "");

}  // namespace wgmesh::testing
