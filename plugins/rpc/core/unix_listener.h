// Creating and removing the RPC socket file safely (spec §7.2 "Improvement"):
//  - never removes a live daemon's socket (a connect probe answers) or anything that is not
//    a socket (regular file, directory, symlink);
//  - the socket appears at its path already with its final mode and group, so there is no
//    window in which other users can connect;
//  - on stop, removes the path only if it still is the socket this process created.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "common/unique_fd.h"

namespace wgmesh::rpc {

struct ListenOptions {
  std::string path;
  std::optional<gid_t> group;  // set: mode 0660 and this group; unset: mode 0600
  int backlog = 128;
};

struct ListeningSocket {
  UniqueFd fd;  // non-blocking, close-on-exec, listening
  std::string path;
  dev_t dev = 0;  // identity of the socket file we created, checked before removing it
  ino_t ino = 0;
};

enum class PathState { kAbsent, kStaleSocket, kLiveSocket, kNotSocket, kUnknown };

// What is at `path` now. A socket is live if a non-blocking connect succeeds or finds the
// backlog full; stale if the connect is refused. `detail` explains kUnknown.
PathState probe_socket_path(const std::string& path, std::string* detail = nullptr);

// Creates the listening socket at opts.path. On failure returns false and a message that
// names the path and the reason.
bool create_listening_socket(const ListenOptions& opts, ListeningSocket& out, std::string& error);

// Unlinks the socket file if it is still the one `sock` created (same device and inode).
// Returns true if it removed it.
bool remove_socket_file(const ListeningSocket& sock);

}  // namespace wgmesh::rpc
