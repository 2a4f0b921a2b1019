#include "keys/announcement_validation.h"

#include <cstdio>

#include "keys/encoding.h"
#include "keys/go_net.h"
#include "keys/go_strconv.h"

namespace wgmesh::keys {

namespace {

Error prefixed(std::string_view field, const Status& status) {
  return Error{std::string(field) + ": " + status.message()};
}

// The checks shared by the announcing peer and its known peers, in Go's order.
Status validate_peer_fields(std::string_view pubkey, std::string_view mesh_ip,
                            std::string_view endpoint, std::string_view hostname) {
  if (Status st = validate_wg_pubkey(pubkey); !st.ok()) return prefixed("WGPubKey", st);
  if (Status st = validate_mesh_ip(mesh_ip); !st.ok()) return prefixed("MeshIP", st);
  if (!endpoint.empty()) {
    if (Status st = validate_endpoint(endpoint); !st.ok()) return prefixed("WGEndpoint", st);
  }
  if (!hostname.empty()) {
    if (Status st = validate_hostname(hostname); !st.ok()) return prefixed("Hostname", st);
  }
  return Status::Ok();
}

Status validate_own_fields(const PeerAnnouncement& a) {
  if (Status st = validate_peer_fields(a.wg_pubkey, a.mesh_ip, a.wg_endpoint, a.hostname);
      !st.ok()) {
    return st;
  }
  if (a.routable_networks.size() > kMaxRoutableNetworks) {
    return Error{"RoutableNetworks: too many entries (" +
                 std::to_string(a.routable_networks.size()) + ", max " +
                 std::to_string(kMaxRoutableNetworks) + ")"};
  }
  for (size_t i = 0; i < a.routable_networks.size(); ++i) {
    const std::string& cidr = a.routable_networks[i];
    if (auto net = go_parse_cidr(cidr); !net.ok()) {
      return Error{"RoutableNetworks[" + std::to_string(i) + "]: invalid CIDR " + go_quote(cidr) +
                   ": " + net.message()};
    }
  }
  return Status::Ok();
}

Error too_many_known_peers(size_t count) {
  return Error{"KnownPeers: too many entries (" + std::to_string(count) + ", max " +
               std::to_string(kMaxKnownPeers) + ")"};
}

}  // namespace

Status validate_wg_pubkey(std::string_view key) {
  if (key.empty()) return Error{"empty key"};
  auto decoded = base64_decode(key);
  if (!decoded.ok()) return Error{"invalid base64: " + decoded.message()};
  if (decoded->size() != 32) {
    return Error{"decoded length " + std::to_string(decoded->size()) + ", want 32"};
  }
  return Status::Ok();
}

Status validate_mesh_ip(std::string_view ip) {
  if (ip.empty()) return Error{"empty IP"};
  if (!go_parse_ip(ip)) return Error{"invalid IP address: " + go_quote(ip)};
  return Status::Ok();
}

Status validate_endpoint(std::string_view endpoint) {
  auto split = go_split_host_port(endpoint);
  if (!split.ok()) return Error{"invalid host:port: " + split.message()};
  auto port = go_atoi(split->port);
  if (!port.ok()) return Error{"invalid port: " + port.message()};
  if (*port < 1 || *port > 65535) {
    return Error{"port " + std::to_string(*port) + " out of range 1-65535"};
  }
  return Status::Ok();
}

Status validate_hostname(std::string_view hostname) {
  if (hostname.size() > kMaxHostnameLength) {
    return Error{"hostname too long: " + std::to_string(hostname.size()) + " characters (max " +
                 std::to_string(kMaxHostnameLength) + ")"};
  }
  for (size_t i = 0; i < hostname.size(); ++i) {
    const auto b = static_cast<uint8_t>(hostname[i]);
    if (b < 32 || b > 126) {
      char byte_text[8];
      std::snprintf(byte_text, sizeof(byte_text), "0x%02x", b);
      return Error{"hostname contains invalid character at position " + std::to_string(i) +
                   " (byte " + byte_text + ")"};
    }
  }
  return Status::Ok();
}

Status validate_known_peer(const KnownPeer& peer) {
  return validate_peer_fields(peer.wg_pubkey, peer.mesh_ip, peer.wg_endpoint, peer.hostname);
}

Status validate_announcement(const PeerAnnouncement& a) {
  if (Status st = validate_own_fields(a); !st.ok()) return st;
  if (a.known_peers.size() > kMaxKnownPeers) return too_many_known_peers(a.known_peers.size());
  for (size_t i = 0; i < a.known_peers.size(); ++i) {
    if (Status st = validate_known_peer(a.known_peers[i]); !st.ok()) {
      return Error{"KnownPeers[" + std::to_string(i) + "]: " + st.message()};
    }
  }
  return Status::Ok();
}

Status validate_announcement_dropping_invalid_peers(PeerAnnouncement& a,
                                                    std::vector<std::string>* dropped) {
  if (Status st = validate_own_fields(a); !st.ok()) return st;
  // The count limit stays strict: no honest sender fits more than ~230 peers in a datagram.
  if (a.known_peers.size() > kMaxKnownPeers) return too_many_known_peers(a.known_peers.size());
  std::vector<KnownPeer> kept;
  kept.reserve(a.known_peers.size());
  for (size_t i = 0; i < a.known_peers.size(); ++i) {
    if (Status st = validate_known_peer(a.known_peers[i]); !st.ok()) {
      if (dropped) dropped->push_back("KnownPeers[" + std::to_string(i) + "]: " + st.message());
      continue;
    }
    kept.push_back(std::move(a.known_peers[i]));
  }
  a.known_peers = std::move(kept);
  return Status::Ok();
}

}  // namespace wgmesh::keys
