// UTF-8 decoding and encoding with Go's rules (unicode/utf8): an invalid sequence decodes as
// U+FFFD consuming exactly one byte; surrogates and code points above U+10FFFF are invalid.
// Go's JSON decoder, JSON encoder, strings.TrimSpace and strconv.Quote all build on these
// rules, and the keys library reproduces their output.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wgmesh::keys {

inline constexpr char32_t kRuneError = 0xFFFD;

struct DecodedRune {
  char32_t rune;
  size_t size;  // bytes consumed; 1 for an invalid sequence (rune == kRuneError)
};

// Decodes the first rune of `s` (which must be non-empty).
DecodedRune decode_rune(std::string_view s);

// Decodes the last rune of `s` (which must be non-empty), like utf8.DecodeLastRuneInString.
DecodedRune decode_last_rune(std::string_view s);

// Appends the UTF-8 encoding of `r`; surrogates and out-of-range values become U+FFFD.
void append_rune(std::string& out, char32_t r);

}  // namespace wgmesh::keys
