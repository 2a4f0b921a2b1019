// A peer as wgmeshctl shows it, read tolerantly from the daemon's JSON: the original's
// PeerInfo (spec §7.6: pubkey, hostname, mesh_ip, endpoint, last_seen, discovered_via,
// routable_networks, latency_ms) and the C++ host's additions (mesh_ipv6, last_seen_unix,
// last_handshake_unix or last_handshake, rx_bytes, tx_bytes, nat_type, active, relay_via;
// wg_pubkey in plugin-facing records). Missing fields stay empty; unknown ones are kept for
// the detail view.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wgmesh::ctl {

// A point in time the daemon reported: RFC 3339 text or a Unix number (s, ms or ns).
struct Timestamp {
  bool present = false;  // the field was there at all
  bool never = false;    // zero, or Go's zero time 0001-01-01T00:00:00Z
  int64_t unix = 0;
  std::string raw;  // as received, for the detail view
};

struct PeerView {
  std::string pubkey;
  std::string hostname;
  std::string mesh_ip;
  std::string mesh_ipv6;
  std::string endpoint;
  std::string nat_type;
  std::string relay_via;
  std::vector<std::string> discovered_via;
  std::vector<std::string> routable_networks;
  Timestamp last_seen;
  Timestamp last_handshake;
  std::optional<uint64_t> rx_bytes;
  std::optional<uint64_t> tx_bytes;
  std::optional<double> latency_ms;
  std::optional<bool> active;
  std::vector<std::pair<std::string, std::string>> extra;  // other members, as JSON text
};

// False if `v` is not an object with a string public key ("pubkey" or "wg_pubkey").
bool peer_from_json(const rapidjson::Value& v, PeerView& out);

// Reads a timestamp value (string or number); absent/null leaves present = false.
Timestamp timestamp_from_json(const rapidjson::Value* v);

}  // namespace wgmesh::ctl
