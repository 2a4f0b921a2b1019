#include "keys/message_types.h"

#include <string>

#include "keys/announcement.h"
#include "keys/announcement_validation.h"
#include "keys/go_json.h"
#include "keys/go_json_decode.h"
#include "keys/goodbye.h"

namespace wgmesh::keys {

namespace {

Error mismatch(std::string_view type, std::string_view why) {
  return Error{"payload does not fit message type " + std::string(type) + ": " + std::string(why)};
}

Status check_rendezvous(std::string_view type, std::string_view plaintext) {
  auto doc = parse_go_json(plaintext);
  if (!doc.ok()) return mismatch(type, doc.message());
  const bool offer = type == message_type::kRendezvousOffer;
  std::string protocol, from_pubkey, target_pubkey, pair_id, observed, introducer, peer_pubkey;
  int64_t timestamp = 0, start_at = 0;
  GoSlice<std::string> candidates;
  GoJsonDecoder d;
  auto string_field = [&d](std::string_view name, std::string& out) {
    return GoJsonDecoder::Field{name, [&d, &out](const JsonValue& x) { d.decode_string(x, out); }};
  };
  auto int_field = [&d](std::string_view name, int64_t& out) {
    return GoJsonDecoder::Field{name, [&d, &out](const JsonValue& x) { d.decode_int64(x, out); }};
  };
  auto list_field = [&d, &candidates](std::string_view name) {
    return GoJsonDecoder::Field{
        name, [&d, &candidates](const JsonValue& x) {
          d.decode_slice<std::string>(
              x, candidates, "[]string",
              [&d](const JsonValue& e, std::string& s) { d.decode_string(e, s); });
        }};
  };
  if (offer) {
    d.decode_struct(
        *doc, "RendezvousOffer", "discovery.RendezvousOffer",
        {string_field("protocol", protocol), int_field("timestamp", timestamp),
         string_field("from_pubkey", from_pubkey), string_field("target_pubkey", target_pubkey),
         string_field("pair_id", pair_id), list_field("candidates"),
         string_field("observed_addr", observed), string_field("introducer_key", introducer)});
  } else {
    d.decode_struct(*doc, "RendezvousStart", "discovery.RendezvousStart",
                    {string_field("protocol", protocol), int_field("timestamp", timestamp),
                     string_field("pair_id", pair_id), string_field("peer_pubkey", peer_pubkey),
                     list_field("peer_candidates"), int_field("start_at_unix_ms", start_at),
                     string_field("introducer_key", introducer)});
  }
  if (d.failed()) return mismatch(type, d.error());
  if (offer && (from_pubkey.empty() || target_pubkey.empty())) {
    return mismatch(type, "from_pubkey and target_pubkey are required");
  }
  if (!offer && peer_pubkey.empty()) return mismatch(type, "peer_pubkey is required");
  return Status::Ok();
}

}  // namespace

bool is_known_message_type(std::string_view type) {
  return carries_announcement(type) || type == message_type::kGoodbye ||
         type == message_type::kRendezvousOffer || type == message_type::kRendezvousStart;
}

bool carries_announcement(std::string_view type) {
  return type == message_type::kHello || type == message_type::kReply ||
         type == message_type::kAnnounce;
}

Status check_payload_matches_type(std::string_view type, std::string_view plaintext) {
  if (carries_announcement(type)) {
    auto announcement = decode_announcement(plaintext);
    if (!announcement.ok()) return mismatch(type, announcement.message());
    if (Status st = validate_announcement(*announcement); !st.ok()) {
      return mismatch(type, st.message());
    }
    return Status::Ok();
  }
  if (type == message_type::kGoodbye) {
    auto goodbye = decode_goodbye(plaintext);
    if (!goodbye.ok()) return mismatch(type, goodbye.message());
    if (Status st = validate_wg_pubkey(goodbye->wg_pubkey); !st.ok()) {
      return mismatch(type, "WGPubKey: " + st.message());
    }
    // An announcement relabelled as GOODBYE would carry a mesh_ip; a real GOODBYE never does.
    auto doc = parse_go_json(plaintext);
    if (doc.ok()) {
      for (const auto& [key, value] : doc->members) {
        if (go_json_key_matches("mesh_ip", key)) return mismatch(type, "unexpected mesh_ip");
      }
    }
    return Status::Ok();
  }
  if (type == message_type::kRendezvousOffer || type == message_type::kRendezvousStart) {
    return check_rendezvous(type, plaintext);
  }
  return Error{"unknown message type: " + std::string(type)};
}

}  // namespace wgmesh::keys
