#include "keys/utf8.h"

#include <cstdint>

namespace wgmesh::keys {

namespace {
bool is_continuation(uint8_t b, uint8_t lo = 0x80, uint8_t hi = 0xBF) { return b >= lo && b <= hi; }
}  // namespace

DecodedRune decode_rune(std::string_view s) {
  const auto b0 = static_cast<uint8_t>(s[0]);
  if (b0 < 0x80) return {b0, 1};
  const DecodedRune invalid{kRuneError, 1};
  auto at = [&](size_t i) { return i < s.size() ? static_cast<uint8_t>(s[i]) : uint8_t{0}; };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (!is_continuation(at(1))) return invalid;
    return {static_cast<char32_t>(((b0 & 0x1F) << 6) | (at(1) & 0x3F)), 2};
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    // E0 needs A0..BF (no overlongs); ED needs 80..9F (no surrogates).
    const uint8_t lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const uint8_t hi = b0 == 0xED ? 0x9F : 0xBF;
    if (!is_continuation(at(1), lo, hi) || !is_continuation(at(2))) return invalid;
    return {static_cast<char32_t>(((b0 & 0x0F) << 12) | ((at(1) & 0x3F) << 6) | (at(2) & 0x3F)), 3};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    // F0 needs 90..BF (no overlongs); F4 needs 80..8F (nothing above U+10FFFF).
    const uint8_t lo = b0 == 0xF0 ? 0x90 : 0x80;
    const uint8_t hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (!is_continuation(at(1), lo, hi) || !is_continuation(at(2)) || !is_continuation(at(3))) {
      return invalid;
    }
    return {static_cast<char32_t>(((b0 & 0x07) << 18) | ((at(1) & 0x3F) << 12) |
                                  ((at(2) & 0x3F) << 6) | (at(3) & 0x3F)),
            4};
  }
  return invalid;
}

DecodedRune decode_last_rune(std::string_view s) {
  // Go scans back at most 4 bytes to the start byte, then checks that the rune decoded from
  // there ends exactly at the end of the string.
  const size_t end = s.size();
  size_t start = end - 1;
  if (static_cast<uint8_t>(s[start]) < 0x80) return {static_cast<uint8_t>(s[start]), 1};
  const size_t lim = end >= 4 ? end - 4 : 0;
  while (start > lim && (static_cast<uint8_t>(s[start]) & 0xC0) == 0x80) --start;
  const DecodedRune r = decode_rune(s.substr(start));
  if (start + r.size != end) return {kRuneError, 1};
  return r;
}

void append_rune(std::string& out, char32_t r) {
  if ((r >= 0xD800 && r <= 0xDFFF) || r > 0x10FFFF) r = kRuneError;
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

}  // namespace wgmesh::keys
