// Byte vocabulary shared by the keys library: owned buffers, read-only views and the
// conversions between text and bytes. The mesh secret and most wire values are text whose
// *bytes* enter the cryptography, so these conversions are needed everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wgmesh::keys {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

inline std::string_view as_text(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

inline Bytes to_bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

}  // namespace wgmesh::keys
