#include "keys/envelope.h"

#include <algorithm>
#include <limits>

#include "keys/announcement_validation.h"
#include "keys/encoding.h"
#include "keys/go_duration.h"
#include "keys/go_json.h"
#include "keys/go_json_decode.h"
#include "keys/go_json_encode.h"

namespace wgmesh::keys {

namespace {

// Go's %v of the anonymous metadata struct type, used in its UnmarshalTypeError texts.
constexpr std::string_view kMetadataGoType =
    "struct { Protocol string \"json:\\\"protocol\\\"\"; Timestamp int64 "
    "\"json:\\\"timestamp\\\"\" }";

struct StepPrefix {
  EnvelopeStep step;
  std::string_view prefix;
};

constexpr StepPrefix kStepPrefixes[] = {
    {EnvelopeStep::kParseEnvelope, "failed to unmarshal envelope: "},
    {EnvelopeStep::kNonceSize, "invalid nonce size: "},
    {EnvelopeStep::kDecrypt, "decryption failed (wrong key?): "},
    {EnvelopeStep::kParseMetadata, "failed to unmarshal payload metadata: "},
    {EnvelopeStep::kProtocol, "unsupported protocol version: "},
    {EnvelopeStep::kFreshness, "message too old: "},
    {EnvelopeStep::kFreshness, "message timestamp in future"},
    {EnvelopeStep::kParseAnnouncement, "failed to unmarshal announcement: "},
    {EnvelopeStep::kValidateAnnouncement, "invalid announcement: "},
};

struct OuterEnvelope {
  std::string type;
  GoSlice<uint8_t> nonce;
  GoSlice<uint8_t> ciphertext;
};

Result<OuterEnvelope> decode_outer(std::string_view data) {
  auto doc = parse_go_json(data);
  if (!doc.ok()) return doc.error();
  OuterEnvelope env;
  GoJsonDecoder d;
  d.decode_struct(
      *doc, "Envelope", "crypto.Envelope",
      {
          {"type", [&](const JsonValue& x) { d.decode_string(x, env.type); }},
          {"nonce", [&](const JsonValue& x) { d.decode_bytes(x, env.nonce); }},
          {"ciphertext", [&](const JsonValue& x) { d.decode_bytes(x, env.ciphertext); }},
      });
  if (d.failed()) return Error{d.error()};
  return env;
}

struct Metadata {
  std::string protocol;
  int64_t timestamp = 0;
};

Result<Metadata> decode_metadata(std::string_view plaintext) {
  auto doc = parse_go_json(plaintext);
  if (!doc.ok()) return doc.error();
  Metadata meta;
  GoJsonDecoder d;
  d.decode_struct(*doc, "", kMetadataGoType,
                  {
                      {"protocol", [&](const JsonValue& x) { d.decode_string(x, meta.protocol); }},
                      {"timestamp", [&](const JsonValue& x) { d.decode_int64(x, meta.timestamp); }},
                  });
  if (d.failed()) return Error{d.error()};
  return meta;
}

std::string outer_json(std::string_view type, ByteView nonce, ByteView ciphertext) {
  GoJsonWriter w;
  w.begin_object();
  w.key("type").string(type);
  w.key("nonce").string(base64_encode(nonce));
  w.key("ciphertext").string(base64_encode(ciphertext));
  w.end_object();
  return w.take();
}

}  // namespace

EnvelopeStep envelope_error_step(const Error& error) {
  for (const auto& [step, prefix] : kStepPrefixes) {
    if (error.message.compare(0, prefix.size(), prefix) == 0) return step;
  }
  return EnvelopeStep::kOther;
}

std::string_view envelope_step_name(EnvelopeStep step) {
  switch (step) {
    case EnvelopeStep::kParseEnvelope:
      return "parse_envelope";
    case EnvelopeStep::kNonceSize:
      return "nonce_size";
    case EnvelopeStep::kDecrypt:
      return "decrypt";
    case EnvelopeStep::kParseMetadata:
      return "parse_metadata";
    case EnvelopeStep::kProtocol:
      return "protocol";
    case EnvelopeStep::kFreshness:
      return "freshness";
    case EnvelopeStep::kParseAnnouncement:
      return "parse_announcement";
    case EnvelopeStep::kValidateAnnouncement:
      return "validate_announcement";
    case EnvelopeStep::kOther:
      return "other";
  }
  return "other";
}

Result<std::string> seal_envelope_with_nonce(std::string_view type, std::string_view payload_json,
                                             const Key32& gossip_key, const GcmNonce& nonce,
                                             AeadBackend backend) {
  auto sealed = aes256gcm_seal(gossip_key, nonce, as_bytes(payload_json), backend);
  if (!sealed.ok()) return sealed.error();
  return outer_json(type, nonce, *sealed);
}

Result<std::string> seal_envelope(std::string_view type, std::string_view payload_json,
                                  const Key32& gossip_key, const RandomSource& random,
                                  AeadBackend backend) {
  GcmNonce nonce{};
  random(nonce);
  return seal_envelope_with_nonce(type, payload_json, gossip_key, nonce, backend);
}

Result<std::string> seal_announcement(std::string_view type, const PeerAnnouncement& announcement,
                                      const Key32& gossip_key, const RandomSource& random) {
  return seal_envelope(type, announcement_to_json(announcement), gossip_key, random);
}

Result<OpenedEnvelope> open_envelope_raw(std::string_view data, const Key32& gossip_key,
                                         UnixTime now, const OpenOptions& options) {
  auto outer = decode_outer(data);
  if (!outer.ok()) return Error{"failed to unmarshal envelope: " + outer.message()};

  const std::vector<uint8_t> nonce_bytes = outer->nonce.values();
  if (nonce_bytes.size() != kGcmNonceSize) {
    return Error{"invalid nonce size: " + std::to_string(nonce_bytes.size())};
  }
  GcmNonce nonce{};
  std::copy(nonce_bytes.begin(), nonce_bytes.end(), nonce.begin());

  const std::vector<uint8_t> ciphertext = outer->ciphertext.values();
  auto plaintext = aes256gcm_open(gossip_key, nonce, ciphertext, options.backend);
  if (!plaintext.ok()) return Error{"decryption failed (wrong key?): " + plaintext.message()};

  auto meta = decode_metadata(plaintext->text());
  if (!meta.ok()) return Error{"failed to unmarshal payload metadata: " + meta.message()};
  if (meta->protocol != kProtocolVersion) {
    return Error{"unsupported protocol version: " + meta->protocol};
  }
  if (options.check_freshness) {
    // Clamp so that a caller's generous window cannot overflow the nanosecond arithmetic.
    const int64_t max_seconds = std::numeric_limits<int64_t>::max() / kNanosPerSecond;
    const int64_t window_seconds = std::clamp<int64_t>(options.max_age_seconds, 0, max_seconds);
    const FreshnessCheck fresh =
        check_freshness(meta->timestamp, now, window_seconds * kNanosPerSecond);
    if (fresh.verdict == Freshness::kTooOld) {
      return Error{"message too old: " + format_go_duration(fresh.age_nanos)};
    }
    if (fresh.verdict == Freshness::kInFuture) return Error{"message timestamp in future"};
  }

  OpenedEnvelope opened;
  opened.type = std::move(outer->type);
  opened.nonce = nonce;
  opened.plaintext = std::string(plaintext->text());
  opened.timestamp = meta->timestamp;
  return opened;
}

Result<OpenedAnnouncement> open_announcement(std::string_view data, const Key32& gossip_key,
                                             UnixTime now, KnownPeerPolicy policy,
                                             const OpenOptions& options) {
  auto raw = open_envelope_raw(data, gossip_key, now, options);
  if (!raw.ok()) return raw.error();
  auto announcement = decode_announcement(raw->plaintext);
  if (!announcement.ok()) {
    return Error{"failed to unmarshal announcement: " + announcement.message()};
  }
  OpenedAnnouncement result;
  const Status valid =
      policy == KnownPeerPolicy::kDropInvalidPeers
          ? validate_announcement_dropping_invalid_peers(*announcement, &result.dropped_known_peers)
          : validate_announcement(*announcement);
  if (!valid.ok()) return Error{"invalid announcement: " + valid.message()};
  result.envelope = std::move(*raw);
  result.announcement = std::move(*announcement);
  return result;
}

}  // namespace wgmesh::keys
