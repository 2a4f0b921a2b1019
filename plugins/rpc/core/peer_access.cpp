#include "core/peer_access.h"

#include <grp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace wgmesh::rpc {

bool read_peer_credentials(int fd, PeerCredentials& out, std::string& error) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    error = std::string("SO_PEERCRED: ") + std::strerror(errno);
    return false;
  }
  out.pid = cred.pid;
  out.uid = cred.uid;
  out.gid = cred.gid;
  out.groups.clear();
#ifdef SO_PEERGROUPS
  // Linux >= 4.13. ERANGE tells the size needed; older kernels (ENOPROTOOPT) leave only the
  // primary group, which is still a correct (if stricter) answer.
  std::vector<gid_t> groups(16);
  for (int attempt = 0; attempt < 4; ++attempt) {
    socklen_t glen = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &glen) == 0) {
      groups.resize(glen / sizeof(gid_t));
      out.groups = std::move(groups);
      break;
    }
    if (errno != ERANGE) break;
    groups.resize(glen / sizeof(gid_t) + 1);
  }
#endif
  return true;
}

bool AccessPolicy::allows(const PeerCredentials& peer) const {
  if (peer.uid == 0 || peer.uid == daemon_uid) return true;
  if (!group) return false;
  return peer.gid == *group ||
         std::find(peer.groups.begin(), peer.groups.end(), *group) != peer.groups.end();
}

bool lookup_group(const std::string& name, gid_t& out, std::string& error) {
  if (name.empty()) {
    error = "empty group name";
    return false;
  }
  unsigned long numeric = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), numeric);
  if (ec == std::errc() && end == name.data() + name.size()) {
    out = static_cast<gid_t>(numeric);
    return true;
  }
  std::vector<char> buf(4096);
  group grp{};
  group* found = nullptr;
  int rc = 0;
  while ((rc = ::getgrnam_r(name.c_str(), &grp, buf.data(), buf.size(), &found)) == ERANGE &&
         buf.size() < (1u << 20))
    buf.resize(buf.size() * 2);
  if (rc != 0 || !found) {
    error = "unknown group '" + name + "'" + (rc ? std::string(": ") + std::strerror(rc) : "");
    return false;
  }
  out = found->gr_gid;
  return true;
}

}  // namespace wgmesh::rpc
