#include "mesh/mesh_keys.h"

#include "keys/announcement.h"
#include "keys/announcement_validation.h"
#include "keys/go_time.h"
#include "keys/mesh_address.h"
#include "keys/primitives.h"
#include "keys/secret.h"
#include "runtime/udp_socket.h"

namespace wgmesh {

Result<MeshKeys> MeshKeys::from_input(const std::string& secret_input, const std::string& mesh_subnet) {
  auto secret = keys::secret_from_input(secret_input);
  if (!secret.ok()) return Error{"failed to derive keys: " + secret.message()};
  MeshKeys k;
  k.secret_ = std::move(*secret);
  auto derived = keys::derive_keys(k.secret());
  if (!derived.ok()) return Error{"failed to derive keys: " + derived.message()};
  k.derived_ = std::move(*derived);
  if (!mesh_subnet.empty()) {
    auto subnet = keys::parse_mesh_subnet(mesh_subnet);
    if (!subnet.ok()) return Error{"mesh_subnet: " + subnet.message()};
    k.custom_subnet_ = *subnet;
    // Validate now (IPv6 and too-small subnets are rejected by the derivation itself).
    auto probe = keys::mesh_ipv4_in_subnet(**subnet, "probe", k.secret());
    if (!probe.ok()) return Error{"mesh_subnet: " + probe.message()};
  }
  return k;
}

Result<std::string> MeshKeys::value(const std::string& name) const {
  if (name == "gossip_port") return std::to_string(derived_.gossip_port);
  if (name == "probe_port") return std::to_string(keys::health_probe_port(derived_));
  if (name == "multicast_group") return keys::lan_multicast_address(derived_);
  if (name == "lan_port") return std::to_string(keys::kLanMulticastPort);
  if (name == "network_id_tag") return keys::network_id_short_hex(derived_);
  if (name == "rendezvous_id") return keys::rendezvous_id_hex(derived_);
  if (name == "mesh_subnet")
    return custom_subnet_ ? custom_subnet_->to_string() : keys::mesh_subnet_cidr(derived_);
  if (name == "mesh_prefix_v6") {
    std::string s = keys::mesh_prefix_v6_status(derived_);  // "fdxx:xxxx:xxxx:xxxx::/64"
    return s;
  }
  if (name == "mesh_id") return keys::mesh_id(derived_);
  return Error{"unknown key value '" + name + "'"};
}

std::array<uint8_t, 20> MeshKeys::hourly_infohash(int64_t unix_seconds) const {
  return keys::hourly_infohash(secret(), unix_seconds);
}

std::array<uint8_t, 32> MeshKeys::epoch_hmac(const uint8_t* msg, size_t len) const {
  return keys::hmac_sha256(derived_.epoch_seed.view(), keys::ByteView(msg, len));
}

Result<std::string> MeshKeys::mesh_ipv4(const std::string& pubkey) const {
  if (custom_subnet_) return keys::mesh_ipv4_in_subnet(*custom_subnet_, pubkey, secret());
  return keys::mesh_ipv4(derived_.mesh_subnet, pubkey, secret());
}

std::string MeshKeys::mesh_ipv6(const std::string& pubkey) const {
  return keys::mesh_ipv6(derived_.mesh_prefix_v6, pubkey, secret());
}

int MeshKeys::ipv4_prefix_length() const { return keys::mesh_ipv4_prefix_length(custom_subnet_); }

Result<std::string> MeshKeys::seal(const std::string& type, const std::string& payload) const {
  return keys::seal_envelope(type, payload, derived_.gossip_key);
}

Result<OpenResult> MeshKeys::open(std::string_view datagram, const sockaddr* from, bool strict,
                                  keys::ReplayCache* replay, OpenFailure* failure) const {
  auto set_failure = [&](OpenFailure f) {
    if (failure) *failure = f;
  };
  set_failure(OpenFailure::None);
  auto opened = keys::open_envelope_raw(datagram, derived_.gossip_key, keys::system_clock_now());
  if (!opened.ok()) {
    auto step = keys::envelope_error_step(opened.error());
    set_failure(step == keys::EnvelopeStep::kFreshness ? OpenFailure::Stale : OpenFailure::Auth);
    return opened.error();
  }
  OpenResult out;
  out.type = opened->type;
  if (replay) {
    std::string source = from ? format_socket_address(from) : std::string();
    auto verdict = replay->check(opened->nonce, datagram, source, std::chrono::steady_clock::now());
    if (verdict == keys::ReplayVerdict::kReplay) {
      set_failure(OpenFailure::Replay);
      return Error{"replayed envelope"};
    }
    out.retransmission = verdict == keys::ReplayVerdict::kRetransmission;
  }
  if (strict) {
    auto ann = keys::decode_announcement(opened->plaintext);
    if (!ann.ok()) {
      set_failure(OpenFailure::Invalid);
      return Error{"failed to unmarshal announcement: " + ann.message()};
    }
    std::vector<std::string> dropped;
    Status valid = keys::validate_announcement_dropping_invalid_peers(*ann, &dropped);
    if (!valid.ok()) {
      set_failure(OpenFailure::Invalid);
      return Error{"invalid announcement: " + valid.message()};
    }
    // Hand on the cleaned announcement (invalid known_peers removed) in Go's form.
    out.payload = dropped.empty() ? std::move(opened->plaintext) : keys::announcement_to_json(*ann);
  } else {
    out.payload = std::move(opened->plaintext);
  }
  return out;
}

}  // namespace wgmesh
