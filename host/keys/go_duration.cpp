#include "keys/go_duration.h"

#include <array>
#include <optional>

#include "keys/utf8.h"

namespace wgmesh::keys {

namespace {

constexpr char kLowerHex[] = "0123456789abcdef";

// Writes the fraction of v/10^prec (like ".12345") before position w, dropping trailing
// zeros and the point itself when the fraction is zero. Returns the new w and v/10^prec.
size_t fmt_frac(char* buf, size_t w, uint64_t& v, int prec) {
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    const uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) buf[--w] = static_cast<char>('0' + digit);
    v /= 10;
  }
  if (print) buf[--w] = '.';
  return w;
}

size_t fmt_int(char* buf, size_t w, uint64_t v) {
  if (v == 0) {
    buf[--w] = '0';
    return w;
  }
  while (v > 0) {
    buf[--w] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return w;
}

// time's private quote(): non-ASCII and control bytes as \x escapes.
std::string time_quote(std::string_view s) {
  std::string out = "\"";
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c >= 0x80 || c < ' ') {
      const DecodedRune d = decode_rune(s.substr(i));
      size_t width = d.size;
      if (d.rune == kRuneError) width = (d.size == 3) ? 3 : 1;
      for (size_t j = 0; j < width; ++j) {
        const auto b = static_cast<uint8_t>(s[i + j]);
        out += "\\x";
        out += kLowerHex[b >> 4];
        out += kLowerHex[b & 0xF];
      }
      i += width;
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += static_cast<char>(c);
      ++i;
    }
  }
  out += '"';
  return out;
}

Error invalid_duration(std::string_view orig) {
  return Error{"time: invalid duration " + time_quote(orig)};
}

std::optional<uint64_t> unit_nanos(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1000;  // µs, μs
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return 1'000'000'000;
  if (unit == "m") return 60'000'000'000ULL;
  if (unit == "h") return 3'600'000'000'000ULL;
  return std::nullopt;
}

constexpr uint64_t kOverflow = uint64_t{1} << 63;

}  // namespace

std::string format_go_duration(int64_t nanos) {
  std::array<char, 32> buf;
  size_t w = buf.size();
  uint64_t u = static_cast<uint64_t>(nanos);
  const bool negative = nanos < 0;
  if (negative) u = 0 - u;

  if (u < static_cast<uint64_t>(kNanosPerSecond)) {
    // Below one second Go switches to smaller units: 1.2ms, 3µs, 45ns.
    int prec = 0;
    buf[--w] = 's';
    if (u == 0) return "0s";
    if (u < 1000) {
      prec = 0;
      buf[--w] = 'n';
    } else if (u < 1'000'000) {
      prec = 3;
      buf[--w] = '\xB5';  // "µ" is two bytes: C2 B5
      buf[--w] = '\xC2';
    } else {
      prec = 6;
      buf[--w] = 'm';
    }
    w = fmt_frac(buf.data(), w, u, prec);
    w = fmt_int(buf.data(), w, u);
  } else {
    buf[--w] = 's';
    w = fmt_frac(buf.data(), w, u, 9);
    w = fmt_int(buf.data(), w, u % 60);  // u is now whole seconds
    u /= 60;
    if (u > 0) {
      buf[--w] = 'm';
      w = fmt_int(buf.data(), w, u % 60);
      u /= 60;
      // Hours are the largest unit: days have no fixed length.
      if (u > 0) {
        buf[--w] = 'h';
        w = fmt_int(buf.data(), w, u);
      }
    }
  }
  if (negative) buf[--w] = '-';
  return std::string(buf.data() + w, buf.size() - w);
}

Result<int64_t> parse_go_duration(std::string_view text) {
  const std::string_view orig = text;
  std::string_view s = text;
  uint64_t d = 0;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return invalid_duration(orig);
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) return invalid_duration(orig);

    // Integer part; Go rejects values above 2^63 here.
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      if (v > kOverflow / 10) return invalid_duration(orig);
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > kOverflow) return invalid_duration(orig);
    }
    const bool pre = i > 0;
    s.remove_prefix(i);

    // Fraction; digits beyond what fits are ignored, as in Go's leadingFraction.
    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t k = 0;
      bool overflow = false;
      for (; k < s.size() && is_digit(s[k]); ++k) {
        if (overflow) continue;
        if (f > (kOverflow - 1) / 10) {
          overflow = true;
          continue;
        }
        const uint64_t y = f * 10 + static_cast<uint64_t>(s[k] - '0');
        if (y > kOverflow) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = k > 0;
      s.remove_prefix(k);
    }
    if (!pre && !post) return invalid_duration(orig);

    size_t u_len = 0;
    while (u_len < s.size() && s[u_len] != '.' && !is_digit(s[u_len])) ++u_len;
    if (u_len == 0) return Error{"time: missing unit in duration " + time_quote(orig)};
    const std::string_view unit_text = s.substr(0, u_len);
    s.remove_prefix(u_len);
    const auto unit = unit_nanos(unit_text);
    if (!unit) {
      return Error{"time: unknown unit " + time_quote(unit_text) + " in duration " +
                   time_quote(orig)};
    }
    if (v > kOverflow / *unit) return invalid_duration(orig);
    v *= *unit;
    if (f > 0) {
      // float64 keeps fractions of hours nanosecond-accurate, exactly as Go computes it.
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(*unit) / scale));
      if (v > kOverflow) return invalid_duration(orig);
    }
    d += v;
    if (d > kOverflow) return invalid_duration(orig);
  }
  if (negative) return static_cast<int64_t>(0 - d);
  if (d > kOverflow - 1) return invalid_duration(orig);
  return static_cast<int64_t>(d);
}

int64_t go_duration_whole_seconds(int64_t nanos) {
  const int64_t sec = nanos / kNanosPerSecond;
  const int64_t nsec = nanos % kNanosPerSecond;
  const double seconds = static_cast<double>(sec) + static_cast<double>(nsec) / 1e9;
  return static_cast<int64_t>(seconds);
}

}  // namespace wgmesh::keys
