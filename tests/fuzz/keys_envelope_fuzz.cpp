// Fuzz target: arbitrary bytes as a received envelope and as a decrypted payload.
//
// Random mutations of a sealed envelope almost always break the GCM tag, so the payload
// parsers would rarely be reached through the envelope alone. The input is therefore also
// sealed as a payload under a fixed key and opened again, and handed to each payload decoder
// directly. Invariants checked (abort on violation):
//  - every open failure maps to one of Go's steps;
//  - whatever the raw open returns as plaintext is exactly what was sealed;
//  - an announcement that decodes re-serialises to JSON that decodes to the same value;
//  - an announcement that validates still validates after the Go serialisation round trip.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "keys/announcement.h"
#include "keys/announcement_validation.h"
#include "keys/derived_keys.h"
#include "keys/envelope.h"
#include "keys/goodbye.h"
#include "keys/message_types.h"
#include "keys/rotation.h"

using namespace wgmesh::keys;

namespace {

const Key32& fuzz_key() {
  // The key of the vectors' envelopes, so that seed envelopes open successfully.
  static const Key32 key = derive_keys("wgmesh-envelope-compatibility-secret")->gossip_key;
  return key;
}

const UnixTime kNow = UnixTime::from_seconds(1800000000);

void check(bool condition) {
  if (!condition) std::abort();
}

void open_as_envelope(std::string_view data) {
  // Every failure must be attributable to one of Go's steps.
  auto raw = open_envelope_raw(data, fuzz_key(), kNow);
  if (!raw.ok()) check(envelope_error_step(raw.error()) != EnvelopeStep::kOther);
  auto strict = open_announcement(data, fuzz_key(), kNow);
  if (!strict.ok()) check(envelope_error_step(strict.error()) != EnvelopeStep::kOther);
  auto lenient = open_announcement(data, fuzz_key(), kNow, KnownPeerPolicy::kDropInvalidPeers);
  // Dropping invalid known peers can only turn failures into successes.
  if (strict.ok()) check(lenient.ok() && lenient->announcement == strict->announcement);
}

void decode_as_payload(std::string_view data) {
  auto announcement = decode_announcement(data);
  if (announcement.ok()) {
    const bool valid = validate_announcement(*announcement).ok();
    const std::string json = announcement_to_json(*announcement);
    auto again = decode_announcement(json);
    check(again.ok() && *again == *announcement);
    check(validate_announcement(*again).ok() == valid);
    PeerAnnouncement lenient = *announcement;
    (void)validate_announcement_dropping_invalid_peers(lenient);
  }
  auto goodbye = decode_goodbye(data);
  if (goodbye.ok()) check(*decode_goodbye(goodbye_to_json(*goodbye)) == *goodbye);
  for (std::string_view type : {"HELLO", "GOODBYE", "RENDEZVOUS_OFFER", "RENDEZVOUS_START"}) {
    (void)check_payload_matches_type(type, data);
  }
  auto rotation = decode_rotation_announcement(data);
  if (rotation.ok()) {
    check(*decode_rotation_announcement(rotation_announcement_to_json(*rotation)) == *rotation);
  }
  (void)decode_rotation_state(data);
}

void seal_and_open(std::string_view data) {
  GcmNonce nonce{};
  nonce.fill(0x5A);
  auto sealed = seal_envelope_with_nonce("ANNOUNCE", data, fuzz_key(), nonce);
  check(sealed.ok());
  auto raw = open_envelope_raw(*sealed, fuzz_key(), kNow);
  if (raw.ok()) check(raw->plaintext == data && raw->nonce == nonce && raw->type == "ANNOUNCE");
  (void)open_announcement(*sealed, fuzz_key(), kNow);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  open_as_envelope(input);
  decode_as_payload(input);
  seal_and_open(input);
  return 0;
}
