// Exit codes of wgmeshctl (and of `wgmesh peers` unless it asks for the original's "1 for
// every failure"). Scripts can tell "daemon not running" from "daemon said no".
#pragma once

namespace wgmesh::ctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;     // JSON-RPC error from the daemon, bad response
inline constexpr int kExitUsage = 2;       // bad command line
inline constexpr int kExitNoDaemon = 3;    // nothing listens at the socket path
inline constexpr int kExitPermission = 4;  // the socket or the daemon refused us
inline constexpr int kExitTimeout = 5;     // no answer within --timeout

}  // namespace wgmesh::ctl
