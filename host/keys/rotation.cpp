#include "keys/rotation.h"

#include <limits>

#include "keys/encoding.h"
#include "keys/go_duration.h"
#include "keys/go_json.h"
#include "keys/go_json_decode.h"
#include "keys/go_json_encode.h"

namespace wgmesh::keys {

namespace {

// Go's %v of the anonymous helper struct RotationState.UnmarshalJSON decodes into.
constexpr std::string_view kRotationStateAuxType =
    "struct { GracePeriod string \"json:\\\"grace_period\\\"\"; *crypto.Alias }";

void write_bytes_or_null(GoJsonWriter& w, const Bytes& bytes) {
  // Go writes a nil []byte as null; decoded empty values are indistinguishable from nil here.
  if (bytes.empty()) {
    w.null();
  } else {
    w.string(base64_encode(bytes));
  }
}

// time.Since(started_at) at `now`, saturated like Go's Time.Sub.
int64_t elapsed_nanos(const GoTime& started_at, UnixTime now) {
  const __int128 diff =
      (static_cast<__int128>(now.seconds) - started_at.unix_seconds) * kNanosPerSecond +
      (now.nanos - started_at.nanos);
  if (diff > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (diff < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(diff);
}

}  // namespace

std::string rotation_signed_string(ByteView new_secret_hash, int64_t grace_period_seconds,
                                   int64_t timestamp) {
  return hex_encode(new_secret_hash) + "|" + std::to_string(grace_period_seconds) + "|" +
         std::to_string(timestamp);
}

Sha256Digest sign_rotation(ByteView old_membership_key, ByteView new_secret_hash,
                           int64_t grace_period_seconds, int64_t timestamp) {
  const std::string data = rotation_signed_string(new_secret_hash, grace_period_seconds, timestamp);
  return hmac_sha256(old_membership_key, as_bytes(data));
}

RotationAnnouncement make_rotation_announcement(ByteView old_membership_key,
                                                std::string_view new_secret,
                                                int64_t grace_period_nanos, UnixTime now) {
  RotationAnnouncement a;
  const Sha256Digest hash = sha256(as_bytes(new_secret));
  a.new_secret_hash.assign(hash.begin(), hash.end());
  a.grace_period_seconds = go_duration_whole_seconds(grace_period_nanos);
  a.timestamp = now.seconds;
  const Sha256Digest sig =
      sign_rotation(old_membership_key, a.new_secret_hash, a.grace_period_seconds, a.timestamp);
  a.signature.assign(sig.begin(), sig.end());
  return a;
}

bool validate_rotation_announcement(ByteView old_membership_key,
                                    const RotationAnnouncement& announcement, UnixTime now) {
  if (check_freshness(announcement.timestamp, now, kRotationMaxSkewSeconds * kNanosPerSecond)
          .verdict != Freshness::kFresh) {
    return false;
  }
  const Sha256Digest expected =
      sign_rotation(old_membership_key, announcement.new_secret_hash,
                    announcement.grace_period_seconds, announcement.timestamp);
  return constant_time_equal(announcement.signature, expected);
}

bool verify_new_secret(std::string_view new_secret, const RotationAnnouncement& announcement) {
  const Sha256Digest hash = sha256(as_bytes(new_secret));
  return constant_time_equal(hash, announcement.new_secret_hash);
}

std::string rotation_announcement_to_json(const RotationAnnouncement& a) {
  GoJsonWriter w;
  w.begin_object();
  w.key("new_secret_hash");
  write_bytes_or_null(w, a.new_secret_hash);
  w.key("grace_period").integer(a.grace_period_seconds);
  w.key("timestamp").integer(a.timestamp);
  w.key("signature");
  write_bytes_or_null(w, a.signature);
  w.end_object();
  return w.take();
}

Result<RotationAnnouncement> decode_rotation_announcement(std::string_view json) {
  auto doc = parse_go_json(json);
  if (!doc.ok()) return doc.error();
  RotationAnnouncement a;
  GoSlice<uint8_t> hash, signature;
  GoJsonDecoder d;
  d.decode_struct(
      *doc, "RotationAnnouncement", "crypto.RotationAnnouncement",
      {
          {"new_secret_hash", [&](const JsonValue& x) { d.decode_bytes(x, hash); }},
          {"grace_period", [&](const JsonValue& x) { d.decode_int64(x, a.grace_period_seconds); }},
          {"timestamp", [&](const JsonValue& x) { d.decode_int64(x, a.timestamp); }},
          {"signature", [&](const JsonValue& x) { d.decode_bytes(x, signature); }},
      });
  if (d.failed()) return Error{d.error()};
  a.new_secret_hash = hash.values();
  a.signature = signature.values();
  return a;
}

bool rotation_in_grace_period(const RotationState& state, UnixTime now) {
  return !state.completed && elapsed_nanos(state.started_at, now) < state.grace_period_nanos;
}

bool rotation_should_complete(const RotationState& state, UnixTime now) {
  return !state.completed && elapsed_nanos(state.started_at, now) >= state.grace_period_nanos;
}

Result<std::string> rotation_state_to_json(const RotationState& state) {
  auto started = format_rfc3339_nano(state.started_at);
  if (!started.ok()) return started.error();
  GoJsonWriter w;
  w.begin_object();
  w.key("old_secret").string(state.old_secret.text());
  w.key("new_secret").string(state.new_secret.text());
  w.key("grace_period").string(format_go_duration(state.grace_period_nanos));
  w.key("started_at").string(*started);
  w.key("completed").boolean(state.completed);
  w.end_object();
  return w.take();
}

Result<RotationState> decode_rotation_state(std::string_view json) {
  // json.Unmarshal validates the syntax before RotationState.UnmarshalJSON runs, so syntax
  // errors come back without the "failed to unmarshal rotation state" prefix.
  auto doc = parse_go_json(json);
  if (!doc.ok()) return doc.error();

  RotationState state;
  std::string grace_text, old_secret, new_secret;
  GoJsonDecoder d;
  auto decode_time = [&](const JsonValue& x) {
    // time.Time decodes itself from the raw JSON text: null is ignored, anything else must
    // be a quoted RFC 3339 timestamp (escapes are not interpreted).
    const std::string_view raw = json.substr(x.begin, x.end - x.begin);
    if (raw == "null") return;
    if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') {
      d.abort("parsing time " + std::string(raw) + " as \"\\\"2006-01-02T15:04:05Z07:00\\\"\"");
      return;
    }
    auto t = parse_rfc3339(raw.substr(1, raw.size() - 2));
    if (!t.ok()) {
      d.abort(t.message());
      return;
    }
    state.started_at = *t;
  };
  d.decode_struct(*doc, "", kRotationStateAuxType,
                  {
                      {"grace_period", [&](const JsonValue& x) { d.decode_string(x, grace_text); }},
                      {"old_secret", [&](const JsonValue& x) { d.decode_string(x, old_secret); }},
                      {"new_secret", [&](const JsonValue& x) { d.decode_string(x, new_secret); }},
                      {"started_at", decode_time},
                      {"completed", [&](const JsonValue& x) { d.decode_bool(x, state.completed); }},
                  });
  state.old_secret = SecureBytes::from_text(old_secret);
  state.new_secret = SecureBytes::from_text(new_secret);
  secure_wipe({reinterpret_cast<uint8_t*>(old_secret.data()), old_secret.size()});
  secure_wipe({reinterpret_cast<uint8_t*>(new_secret.data()), new_secret.size()});
  if (d.failed()) return Error{"failed to unmarshal rotation state: " + d.error()};

  if (!grace_text.empty()) {
    auto grace = parse_go_duration(grace_text);
    if (!grace.ok()) return Error{"invalid grace_period duration: " + grace.message()};
    state.grace_period_nanos = *grace;
  }
  return state;
}

}  // namespace wgmesh::keys
