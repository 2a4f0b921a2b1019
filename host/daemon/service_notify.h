// systemd's readiness protocol (sd_notify(3)) without libsystemd: one datagram to the
// AF_UNIX socket named by $NOTIFY_SOCKET. Doing it ourselves keeps libsystemd and its
// dependencies (libgcrypt, liblz4, libzstd, ...) out of the daemon's memory.
#pragma once

#include <string>

namespace wgmesh {

// Sends `state` (e.g. "READY=1\nSTATUS=running"). Returns false when not run by systemd
// (no NOTIFY_SOCKET) or the send failed; callers treat both as "nobody to tell".
bool notify_service_manager(const std::string& state);

}  // namespace wgmesh
