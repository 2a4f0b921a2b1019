// The GOODBYE payload (crypto.md §6.4, discovery.md §4.6): `{"protocol","timestamp",
// "wg_pubkey"}` in that order. Receivers additionally require |now - timestamp| <= 60 s.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "keys/announcement.h"
#include "keys/go_time.h"

namespace wgmesh::keys {

inline constexpr int64_t kGoodbyeMaxSkewSeconds = 60;

struct GoodbyePayload {
  std::string protocol{kProtocolVersion};
  int64_t timestamp = 0;
  std::string wg_pubkey;

  friend bool operator==(const GoodbyePayload&, const GoodbyePayload&) = default;
};

std::string goodbye_to_json(const GoodbyePayload& goodbye);

// Go's json.Unmarshal into a fresh payload; Go's error text on failure.
Result<GoodbyePayload> decode_goodbye(std::string_view json);

// The 60-second age check of discovery.md §4.6 (same inclusive bounds as the envelope's).
bool goodbye_is_fresh(const GoodbyePayload& goodbye, UnixTime now);

}  // namespace wgmesh::keys
