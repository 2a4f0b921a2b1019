// The mesh's key material as the host uses it: the parsed secret, everything derived from
// it, and envelope seal/open with freshness, replay classification and (optionally) strict
// announcement validation. Plugins reach this only through the host table, so they never
// see the raw secret.
#pragma once

#include <sys/socket.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>

#include "common/result.h"
#include "keys/derived_keys.h"
#include "keys/envelope.h"
#include "keys/go_net.h"
#include "keys/replay_cache.h"
#include "keys/secure_bytes.h"

namespace wgmesh {

struct OpenResult {
  std::string type;
  std::string payload;
  bool retransmission = false;  // identical datagram from the same source seconds ago
};

enum class OpenFailure { None, Auth, Stale, Replay, Invalid };

class MeshKeys {
 public:
  // Parses the user's secret text (plain or wgmesh:// URI) and derives everything.
  static Result<MeshKeys> from_input(const std::string& secret_input, const std::string& mesh_subnet);

  std::string_view secret() const {
    return {reinterpret_cast<const char*>(secret_.data()), secret_.size()};
  }
  const keys::DerivedKeys& derived() const { return derived_; }
  const std::optional<keys::GoIpNet>& custom_subnet() const { return custom_subnet_; }

  // Values exposed to plugins by name (see wgm_host_api.key_value).
  Result<std::string> value(const std::string& name) const;
  std::array<uint8_t, 20> hourly_infohash(int64_t unix_seconds) const;
  std::array<uint8_t, 32> epoch_hmac(const uint8_t* msg, size_t len) const;

  // Mesh addresses of a public key (plain derivation, or in the custom subnet).
  Result<std::string> mesh_ipv4(const std::string& pubkey) const;
  std::string mesh_ipv6(const std::string& pubkey) const;
  int ipv4_prefix_length() const;

  Result<std::string> seal(const std::string& type, const std::string& payload) const;
  // Opens a datagram. `replay` (may be null) classifies repeats; `strict` validates the
  // payload as a PeerAnnouncement (invalid known_peers entries are dropped, not fatal).
  Result<OpenResult> open(std::string_view datagram, const sockaddr* from, bool strict,
                          keys::ReplayCache* replay, OpenFailure* failure = nullptr) const;

 private:
  MeshKeys() = default;
  keys::SecureBytes secret_;
  keys::DerivedKeys derived_;
  std::optional<keys::GoIpNet> custom_subnet_;
};

}  // namespace wgmesh
