#include "keys/goodbye.h"

#include "keys/go_duration.h"
#include "keys/go_json.h"
#include "keys/go_json_decode.h"
#include "keys/go_json_encode.h"

namespace wgmesh::keys {

std::string goodbye_to_json(const GoodbyePayload& goodbye) {
  GoJsonWriter w;
  w.begin_object();
  w.key("protocol").string(goodbye.protocol);
  w.key("timestamp").integer(goodbye.timestamp);
  w.key("wg_pubkey").string(goodbye.wg_pubkey);
  w.end_object();
  return w.take();
}

Result<GoodbyePayload> decode_goodbye(std::string_view json) {
  auto doc = parse_go_json(json);
  if (!doc.ok()) return doc.error();
  GoodbyePayload g;
  g.protocol.clear();
  GoJsonDecoder d;
  d.decode_struct(*doc, "GoodbyeMessage", "discovery.GoodbyeMessage",
                  {
                      {"protocol", [&](const JsonValue& x) { d.decode_string(x, g.protocol); }},
                      {"timestamp", [&](const JsonValue& x) { d.decode_int64(x, g.timestamp); }},
                      {"wg_pubkey", [&](const JsonValue& x) { d.decode_string(x, g.wg_pubkey); }},
                  });
  if (d.failed()) return Error{d.error()};
  return g;
}

bool goodbye_is_fresh(const GoodbyePayload& goodbye, UnixTime now) {
  return check_freshness(goodbye.timestamp, now, kGoodbyeMaxSkewSeconds * kNanosPerSecond)
             .verdict == Freshness::kFresh;
}

}  // namespace wgmesh::keys
