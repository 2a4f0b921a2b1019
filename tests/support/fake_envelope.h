// A transparent stand-in for the host's envelope (discovery.md §2.2), for plugin tests.
// The datagram is readable JSON, {"type":T,"nonce":N,"key":K,"payload":{...}}: no
// encryption (the real AES-GCM envelope is tested with the host), but the same outcomes a
// plugin sees from envelope_open: WGM_ERR_AUTH for a foreign key, a replayed nonce or a
// stale/future timestamp (±600 s), WGM_ERR_INVALID when STRICT validation of the
// announcement fails (the rules of §2.3), and the payload JSON on success.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace wgmesh::test {

class FakeEnvelope {
 public:
  explicit FakeEnvelope(std::string key = "test-mesh");

  // Seals `payload` (a JSON object text) as `type`; false if the payload is not an object.
  bool seal(std::string_view type, std::string_view payload, std::string& out);
  // Seals with an explicit key and nonce, e.g. to forge a datagram of another mesh, or
  // replay one. Does not touch any state.
  static bool seal_with(std::string_view key, std::string_view nonce, std::string_view type,
                        std::string_view payload, std::string& out);

  // Opens a datagram (flags: wgm_open_flags) at wall-clock time `now_unix_s`.
  int open(std::string_view datagram, uint32_t flags, int64_t now_unix_s, std::string& type,
           std::string& payload);

  // Strict validation of a PeerAnnouncement (§2.3); on failure `why` says which rule.
  static bool valid_announcement(std::string_view payload, std::string& why);

  const std::string& key() const { return key_; }

 private:
  std::string key_;
  std::string nonce_prefix_;
  uint64_t counter_ = 0;
  std::set<std::string> seen_nonces_;
};

}  // namespace wgmesh::test
