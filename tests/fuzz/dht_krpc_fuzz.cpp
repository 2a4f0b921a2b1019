// Fuzzes the KRPC decoder (and the bencode decoder under it). Beyond "no crash" it checks
// that whatever decodes re-encodes to something that decodes to the same encoding, so
// the model never holds a value the encoder would mangle.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "wgmesh/dht/bencode.h"
#include "wgmesh/dht/krpc.h"

using namespace wgmesh::dht;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  auto raw = bencode::decode(in);
  if (raw.ok()) {
    std::string again = bencode::encode(*raw);
    auto back = bencode::decode(again);
    if (!back.ok() || bencode::encode(*back) != again) std::abort();
  }
  Decoded d = decode_message(in);
  if (!d.ok()) {
    if (d.failure.reply_allowed && (d.failure.tid.empty() || d.failure.tid.size() > kMaxTidLength))
      std::abort();
    return 0;
  }
  std::string wire = encode_message(*d.message);
  Decoded d2 = decode_message({reinterpret_cast<const uint8_t*>(wire.data()), wire.size()});
  if (!d2.ok()) std::abort();
  if (encode_message(*d2.message) != wire) std::abort();
  return 0;
}
