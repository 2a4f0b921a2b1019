#include "keys/encoding.h"

#include <array>
#include <cstdint>

namespace wgmesh::keys {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr std::string_view kStdAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr uint8_t kInvalid = 0xFF;

struct Base64Variant {
  std::string_view alphabet;
  bool padded;
};

constexpr Base64Variant kStd{kStdAlphabet, true};
constexpr Base64Variant kRawUrl{kUrlAlphabet, false};

std::array<uint8_t, 256> decode_map(std::string_view alphabet) {
  std::array<uint8_t, 256> map;
  map.fill(kInvalid);
  for (size_t i = 0; i < alphabet.size(); ++i) {
    map[static_cast<uint8_t>(alphabet[i])] = static_cast<uint8_t>(i);
  }
  return map;
}

std::string encode(ByteView src, const Base64Variant& variant) {
  std::string out;
  out.reserve((src.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= src.size(); i += 3) {
    const uint32_t v = (uint32_t{src[i]} << 16) | (uint32_t{src[i + 1]} << 8) | src[i + 2];
    out += variant.alphabet[(v >> 18) & 0x3F];
    out += variant.alphabet[(v >> 12) & 0x3F];
    out += variant.alphabet[(v >> 6) & 0x3F];
    out += variant.alphabet[v & 0x3F];
  }
  const size_t rest = src.size() - i;
  if (rest == 0) return out;
  uint32_t v = uint32_t{src[i]} << 16;
  if (rest == 2) v |= uint32_t{src[i + 1]} << 8;
  out += variant.alphabet[(v >> 18) & 0x3F];
  out += variant.alphabet[(v >> 12) & 0x3F];
  if (rest == 2) {
    out += variant.alphabet[(v >> 6) & 0x3F];
    if (variant.padded) out += '=';
  } else if (variant.padded) {
    out += "==";
  }
  return out;
}

Error corrupt_input(size_t offset) {
  return Error{"illegal base64 data at input byte " + std::to_string(offset)};
}

bool is_newline(char c) { return c == '\n' || c == '\r'; }

// A transcription of Go's encoding/base64 Decode/decodeQuantum (non-strict mode), so that
// acceptance and the reported error offsets are identical to Go's.
Result<Bytes> decode(std::string_view src, const Base64Variant& variant) {
  static const auto std_map = decode_map(kStdAlphabet);
  static const auto url_map = decode_map(kUrlAlphabet);
  const auto& map = variant.alphabet == kStdAlphabet ? std_map : url_map;

  Bytes dst;
  dst.reserve(src.size() / 4 * 3 + 3);
  size_t si = 0;
  while (si < src.size()) {
    std::array<uint8_t, 4> dbuf{};
    int dlen = 4;
    bool trailing_garbage = false;
    size_t garbage_at = 0;
    for (int j = 0; j < 4; ++j) {
      if (si == src.size()) {
        if (j == 0) return dst;
        if (j == 1 || variant.padded) return corrupt_input(si - static_cast<size_t>(j));
        dlen = j;
        break;
      }
      const char in = src[si];
      ++si;
      const uint8_t out = map[static_cast<uint8_t>(in)];
      if (out != kInvalid) {
        dbuf[static_cast<size_t>(j)] = out;
        continue;
      }
      if (is_newline(in)) {
        --j;
        continue;
      }
      if (!variant.padded || in != '=') return corrupt_input(si - 1);
      // Padding reached: it is only legal after two or three data characters.
      if (j == 0 || j == 1) return corrupt_input(si - 1);
      if (j == 2) {
        // "==" is expected and the first '=' is consumed; skip newlines before the second.
        while (si < src.size() && is_newline(src[si])) ++si;
        if (si == src.size()) return corrupt_input(src.size());
        if (src[si] != '=') return corrupt_input(si - 1);
        ++si;
      }
      while (si < src.size() && is_newline(src[si])) ++si;
      if (si < src.size()) {
        trailing_garbage = true;
        garbage_at = si;
      }
      dlen = j;
      break;
    }
    const uint32_t val = (uint32_t{dbuf[0]} << 18) | (uint32_t{dbuf[1]} << 12) |
                         (uint32_t{dbuf[2]} << 6) | uint32_t{dbuf[3]};
    const uint8_t decoded[3] = {static_cast<uint8_t>(val >> 16), static_cast<uint8_t>(val >> 8),
                                static_cast<uint8_t>(val)};
    dst.insert(dst.end(), decoded, decoded + (dlen - 1));
    if (trailing_garbage) return corrupt_input(garbage_at);
  }
  return dst;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string hex_encode(ByteView bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kHexDigits[b >> 4];
    out += kHexDigits[b & 0x0F];
  }
  return out;
}

Result<Bytes> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return Error{"odd length hex string"};
  Bytes out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    const int hi = hex_value(text[i]);
    const int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return Error{"invalid hex digit at offset " + std::to_string(i)};
    out.push_back(static_cast<uint8_t>((hi << 4) | lo));
  }
  return out;
}

std::string base64_encode(ByteView bytes) { return encode(bytes, kStd); }
Result<Bytes> base64_decode(std::string_view text) { return decode(text, kStd); }

std::string base64url_nopad_encode(ByteView bytes) { return encode(bytes, kRawUrl); }
Result<Bytes> base64url_nopad_decode(std::string_view text) { return decode(text, kRawUrl); }

}  // namespace wgmesh::keys
