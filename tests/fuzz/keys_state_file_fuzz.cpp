// Fuzz target: arbitrary text as an encrypted state file (crypto.md §9).
//
// PBKDF2 with 100 000 iterations per input would make fuzzing crawl, and it only ever sees
// fixed-shape inputs (the password and a 32-byte salt), so the target runs the two stages
// around it: parsing (base64, lengths) and authenticated decryption with a fixed key.
// Invariant: a blob re-encoded from its parsed parts parses to the same parts.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "keys/encoding.h"
#include "keys/state_file_crypto.h"

using namespace wgmesh::keys;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto blob = parse_state_file(input);
  if (!blob.ok()) return 0;

  static const Key32 key{};  // all-zero: any fixed key exercises the GCM path
  (void)open_state_file_blob(*blob, key);

  Bytes raw;
  raw.reserve(blob->salt.size() + blob->nonce.size() + blob->sealed.size());
  raw.insert(raw.end(), blob->salt.begin(), blob->salt.end());
  raw.insert(raw.end(), blob->nonce.begin(), blob->nonce.end());
  raw.insert(raw.end(), blob->sealed.begin(), blob->sealed.end());
  auto again = parse_state_file(base64_encode(raw));
  if (!again.ok() || again->salt != blob->salt || again->nonce != blob->nonce ||
      again->sealed != blob->sealed) {
    std::abort();
  }
  return 0;
}
