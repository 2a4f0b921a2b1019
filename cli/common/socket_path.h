// Where the wgmeshd RPC socket lives. One implementation for the server (the rpc plugin
// compiles this file too) and every client (wgmeshctl, `wgmesh peers`), so both sides agree.
// See spec centralized-rpc-cli.md §7.1 and daemon.md §2.4.
#pragma once

#include <string>
#include <vector>

namespace wgmesh::sockpath {

inline constexpr const char* kSocketEnv = "WGMESH_SOCKET";
inline constexpr const char* kSocketName = "wgmesh.sock";

// The inputs of the resolver, captured once so the rules are pure and testable.
struct PathEnv {
  std::string wgmesh_socket;      // $WGMESH_SOCKET ("" when unset)
  std::string xdg_runtime_dir;    // $XDG_RUNTIME_DIR ("" when unset)
  bool var_run_writable = false;  // /var/run is a directory this process may create files in
};

// Reads the process environment. The original probed /var/run by creating a temporary
// file; access(W_OK) answers the same question without leaving anything behind.
PathEnv current_path_env();

// Server side (the daemon's listening path when none is configured), first match wins:
// $WGMESH_SOCKET, /var/run/wgmesh.sock if /var/run is writable, $XDG_RUNTIME_DIR/wgmesh.sock,
// /tmp/wgmesh.sock.
std::string server_socket_path(const PathEnv& env);

// Client side. A client often is not root, so the server's writability heuristic would
// send it to $XDG_RUNTIME_DIR or /tmp and miss a root daemon's socket; instead it tries every
// place a daemon may listen, in the server's order of preference ($WGMESH_SOCKET alone when
// set, since an explicit choice must not silently fall back elsewhere).
std::vector<std::string> client_socket_candidates(const PathEnv& env);

// The first candidate that exists and is a socket; when none is, the first candidate (so
// the error names the most likely path). `tried` receives every path looked at.
std::string resolve_client_socket(const PathEnv& env, std::vector<std::string>* tried = nullptr);

// True if `path` exists and is a Unix socket (without following a final symlink's target
// being anything else: stat() follows links, as connect() does).
bool is_socket(const std::string& path);

}  // namespace wgmesh::sockpath
