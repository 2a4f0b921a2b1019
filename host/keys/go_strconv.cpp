#include "keys/go_strconv.h"

#include "keys/go_unicode.h"
#include "keys/utf8.h"

namespace wgmesh::keys {

namespace {

constexpr char kLowerHex[] = "0123456789abcdef";

void append_hex(std::string& out, uint32_t value, int digits) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
    out += kLowerHex[(value >> shift) & 0xF];
}

void append_escaped_rune(std::string& out, char32_t r) {
  if (r == '"' || r == '\\') {
    out += '\\';
    out += static_cast<char>(r);
    return;
  }
  if (go_is_print(r)) {
    append_rune(out, r);
    return;
  }
  switch (r) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\v':
      out += "\\v";
      return;
    default:
      break;
  }
  if (r < ' ' || r == 0x7F) {
    out += "\\x";
    append_hex(out, r, 2);
  } else if (r < 0x10000) {
    out += "\\u";
    append_hex(out, r, 4);
  } else {
    out += "\\U";
    append_hex(out, r, 8);
  }
}

enum class IntError { kNone, kSyntax, kRange };

// strconv.ParseUint(s, 10, bits) for base 10 (no underscores), returning Go's error class.
IntError parse_uint(std::string_view s, int bits, uint64_t& value) {
  if (s.empty()) return IntError::kSyntax;
  const uint64_t max_val = bits >= 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  constexpr uint64_t kCutoff = UINT64_MAX / 10 + 1;
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return IntError::kSyntax;
    if (n >= kCutoff) return IntError::kRange;  // n*10 overflows
    n *= 10;
    const uint64_t n1 = n + static_cast<uint64_t>(c - '0');
    if (n1 < n || n1 > max_val) return IntError::kRange;
    n = n1;
  }
  value = n;
  return IntError::kNone;
}

// strconv.ParseInt(s, 10, 64).
IntError parse_int(std::string_view s, int64_t& value) {
  if (s.empty()) return IntError::kSyntax;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  uint64_t un = 0;
  const IntError err = parse_uint(s, 64, un);
  if (err == IntError::kSyntax) return err;
  if (err == IntError::kRange) return IntError::kRange;
  constexpr uint64_t kCutoff = uint64_t{1} << 63;
  if (!negative && un >= kCutoff) return IntError::kRange;
  if (negative && un > kCutoff) return IntError::kRange;
  value = negative ? static_cast<int64_t>(0 - un) : static_cast<int64_t>(un);
  return IntError::kNone;
}

Error num_error(std::string_view s, IntError err) {
  return Error{"strconv.Atoi: parsing " + go_quote(s) + ": " +
               (err == IntError::kRange ? "value out of range" : "invalid syntax")};
}

}  // namespace

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  while (!s.empty()) {
    const DecodedRune d = decode_rune(s);
    if (d.size == 1 && d.rune == kRuneError) {
      out += "\\x";
      append_hex(out, static_cast<uint8_t>(s[0]), 2);
    } else {
      append_escaped_rune(out, d.rune);
    }
    s.remove_prefix(d.size);
  }
  out += '"';
  return out;
}

Result<int64_t> go_atoi(std::string_view s) {
  // Go's fast path (fewer than 19 bytes) accepts exactly what ParseInt accepts for such
  // short inputs and reports the same errors, so one implementation covers both paths.
  int64_t value = 0;
  const IntError err = parse_int(s, value);
  if (err != IntError::kNone) return num_error(s, err);
  return value;
}

std::optional<int64_t> go_parse_int64(std::string_view s) {
  int64_t value = 0;
  if (parse_int(s, value) != IntError::kNone) return std::nullopt;
  return value;
}

std::optional<uint64_t> go_parse_uint(std::string_view s, int bits) {
  uint64_t value = 0;
  if (parse_uint(s, bits, value) != IntError::kNone) return std::nullopt;
  return value;
}

}  // namespace wgmesh::keys
