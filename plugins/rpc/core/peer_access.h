// Who may talk to the daemon: checked per connection from the kernel's record of the peer
// (SO_PEERCRED, SO_PEERGROUPS), captured at connect() time so it cannot be spoofed or raced.
// The socket file mode is the first gate; this is the second, so a wrongly chmod'ed socket or
// a directory with loose permissions still does not let other users in.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace wgmesh::rpc {

struct PeerCredentials {
  pid_t pid = 0;
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  std::vector<gid_t> groups;  // supplementary groups, when the kernel reports them
};

// Reads the credentials of a connected Unix socket's peer.
bool read_peer_credentials(int fd, PeerCredentials& out, std::string& error);

struct AccessPolicy {
  uid_t daemon_uid = 0;
  std::optional<gid_t> group;  // members (primary or supplementary) are allowed too

  // root, the daemon's own user, and members of the configured group.
  bool allows(const PeerCredentials& peer) const;
};

// Resolves a group name (or a numeric gid) to a gid. Uses NSS, so it may block: call it at
// plugin creation, never per connection.
bool lookup_group(const std::string& name, gid_t& out, std::string& error);

}  // namespace wgmesh::rpc
