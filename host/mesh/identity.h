// The node's WireGuard key pair, persisted as <state_dir>/<iface>.json in the original's
// format ({"wg_pubkey": "...", "wg_private_key": "..."}, 2-space indent, mode 0600) so a
// node can switch between the Go and C++ daemons without changing identity or mesh address.
// Improvements (daemon.md §3.2): keys are generated in-process, the file is written
// atomically, and a file that exists but is corrupt or inconsistent is an ERROR — never
// silently replaced, because that would give the node a new identity and a new mesh IP.
#pragma once

#include <string>

#include "common/result.h"
#include "wireguard/types.h"

namespace wgmesh {

struct NodeIdentity {
  wg::Key private_key;
  wg::Key public_key;
  std::string public_key_text;  // 44-char base64, the mesh-wide peer id
  // Persisted IPv4 address (later upstream), may be empty. Kept at start only while it is
  // in the mesh subnet and derived from our key (AddressSpace::startup_address); rewritten
  // when a collision moves us, so a restart does not return to the contested address.
  std::string mesh_ip;
  std::string mesh_ipv6;
  bool created = false;  // true if generated on this start
};

std::string identity_path(const std::string& state_dir, const std::string& ifname);

// Loads the identity, or creates and saves a new one if the file does not exist.
Result<NodeIdentity> load_or_create_identity(const std::string& state_dir,
                                             const std::string& ifname);
Result<NodeIdentity> parse_identity(const std::string& json, const std::string& source);
std::string serialize_identity(const NodeIdentity& id);
Status save_identity(const std::string& state_dir, const std::string& ifname,
                     const NodeIdentity& id);

}  // namespace wgmesh
