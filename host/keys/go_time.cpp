#include "keys/go_time.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

#include "keys/go_duration.h"
#include "keys/go_strconv.h"

namespace wgmesh::keys {

namespace {

// Go's time.Time counts seconds from year 1; Unix(s, 0) stores s + this offset with int64
// wrap-around.
constexpr int64_t kUnixToInternal = 62135596800;

int64_t wrapping_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

int64_t saturating_add(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : -std::numeric_limits<int64_t>::max();
  }
  return sum;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month, day;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool is_leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

unsigned days_in_month(unsigned month, int64_t year) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

bool is_digit(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Go's getnum: one or two digits; exactly two when `fixed`.
bool getnum(std::string_view& s, bool fixed, int& out) {
  if (!is_digit(s, 0)) return false;
  if (!is_digit(s, 1)) {
    if (fixed) return false;
    out = s[0] - '0';
    s.remove_prefix(1);
    return true;
  }
  out = (s[0] - '0') * 10 + (s[1] - '0');
  s.remove_prefix(2);
  return true;
}

// Go's time.atoi: an optional sign followed by digits, nothing else. Go 1.19 reads the
// hh/mm fields of a zone offset with it, so "+05:+0" and "-08:-1" are accepted there.
bool time_atoi(std::string_view s, int64_t& out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = negative ? -value : value;
  return true;
}

bool expect(std::string_view& s, char c) {
  if (s.empty() || s[0] != c) return false;
  s.remove_prefix(1);
  return true;
}

Error parse_error(std::string_view text, std::string_view detail) {
  return Error{"parsing time " + go_quote(text) +
               " as \"2006-01-02T15:04:05Z07:00\": " + std::string(detail)};
}

}  // namespace

UnixTime UnixTime::from_double(double seconds) {
  // floor() and llround() by integer truncation, exactly as libm's for this range (the
  // differences below are exact in double); keeps the lean daemon free of libm.
  auto secs = static_cast<int64_t>(seconds);
  if (static_cast<double>(secs) > seconds) --secs;
  const double scaled = (seconds - static_cast<double>(secs)) * 1e9;  // in [0, 1e9]
  auto nanos = static_cast<int64_t>(scaled);
  if (scaled - static_cast<double>(nanos) >= 0.5) ++nanos;
  if (nanos >= kNanosPerSecond) {
    ++secs;
    nanos -= kNanosPerSecond;
  }
  return {secs, static_cast<int32_t>(nanos)};
}

UnixTime system_clock_now() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count();
  int64_t sec = ns / kNanosPerSecond;
  int64_t rem = ns % kNanosPerSecond;
  if (rem < 0) {
    rem += kNanosPerSecond;
    --sec;
  }
  return {sec, static_cast<int32_t>(rem)};
}

int64_t go_age_nanos(UnixTime now, int64_t timestamp) {
  const int64_t now_internal = wrapping_add(now.seconds, kUnixToInternal);
  const int64_t msg_internal = wrapping_add(timestamp, kUnixToInternal);
  const __int128 diff =
      (static_cast<__int128>(now_internal) - msg_internal) * kNanosPerSecond + now.nanos;
  if (diff > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (diff < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(diff);
}

bool go_is_after(int64_t timestamp, UnixTime now, int64_t window_nanos) {
  const int64_t msg_internal = wrapping_add(timestamp, kUnixToInternal);
  // now.Add(window): carry the nanoseconds, then add whole seconds (saturating like Go).
  int64_t add_sec = window_nanos / kNanosPerSecond;
  int64_t nsec = now.nanos + window_nanos % kNanosPerSecond;
  if (nsec >= kNanosPerSecond) {
    ++add_sec;
    nsec -= kNanosPerSecond;
  } else if (nsec < 0) {
    --add_sec;
    nsec += kNanosPerSecond;
  }
  const int64_t limit_internal =
      saturating_add(wrapping_add(now.seconds, kUnixToInternal), add_sec);
  // time.Unix(ts, 0) has zero nanoseconds, so it is after the limit only if its second is
  // later: with equal seconds the limit's nanoseconds (>= 0) are never smaller.
  return msg_internal > limit_internal;
}

FreshnessCheck check_freshness(int64_t timestamp, UnixTime now, int64_t window_nanos) {
  const int64_t age = go_age_nanos(now, timestamp);
  if (age > window_nanos) return {Freshness::kTooOld, age};
  if (go_is_after(timestamp, now, window_nanos)) return {Freshness::kInFuture, age};
  return {Freshness::kFresh, age};
}

Result<GoTime> parse_rfc3339(std::string_view text) {
  std::string_view s = text;
  // Go requires a digit first, so with time.atoi the year is exactly four digits.
  int64_t year = 0;
  if (s.size() < 4 || !is_digit(s, 0) || !time_atoi(s.substr(0, 4), year)) {
    return parse_error(text, "cannot parse year");
  }
  s.remove_prefix(4);
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!expect(s, '-') || !getnum(s, true, month)) return parse_error(text, "cannot parse month");
  if (month < 1 || month > 12) return parse_error(text, "month out of range");
  if (!expect(s, '-') || !getnum(s, true, day)) return parse_error(text, "cannot parse day");
  if (!expect(s, 'T') || !getnum(s, false, hour)) return parse_error(text, "cannot parse hour");
  if (hour >= 24) return parse_error(text, "hour out of range");
  if (!expect(s, ':') || !getnum(s, true, minute)) return parse_error(text, "cannot parse minute");
  if (minute >= 60) return parse_error(text, "minute out of range");
  if (!expect(s, ':')) return parse_error(text, "cannot parse second");
  const bool fraction_follows = s.size() >= 2 && (s[0] == '.' || s[0] == ',') && is_digit(s, 1);
  if (!getnum(s, true, second)) {
    // Go 1.19 quirk: the fractional-second parser overwrites the seconds' parse error, so
    // "03:04:.5Z" is accepted with zero whole seconds.
    if (!fraction_follows) return parse_error(text, "cannot parse second");
    second = 0;
  }
  if (second >= 60) return parse_error(text, "second out of range");

  int32_t nanos = 0;
  if (s.size() >= 2 && (s[0] == '.' || s[0] == ',') && is_digit(s, 1)) {
    size_t n = 1;
    while (is_digit(s, n)) ++n;
    // Only the first nine digits count; the rest are consumed and ignored.
    int64_t value = 0;
    size_t digits = 0;
    for (size_t i = 1; i < n && digits < 9; ++i, ++digits) value = value * 10 + (s[i] - '0');
    for (; digits < 9; ++digits) value *= 10;
    nanos = static_cast<int32_t>(value);
    s.remove_prefix(n);
  }

  int32_t offset = 0;
  if (!s.empty() && s[0] == 'Z') {
    s.remove_prefix(1);
  } else {
    if (s.size() < 6 || s[3] != ':') return parse_error(text, "cannot parse zone offset");
    int64_t h = 0, m = 0;
    if (!time_atoi(s.substr(1, 2), h) || !time_atoi(s.substr(4, 2), m)) {
      return parse_error(text, "cannot parse zone offset");
    }
    offset = static_cast<int32_t>((h * 60 + m) * 60);
    if (s[0] == '-') {
      offset = -offset;
    } else if (s[0] != '+') {
      return parse_error(text, "cannot parse zone offset");
    }
    s.remove_prefix(6);
  }
  if (!s.empty()) return parse_error(text, "extra text: " + go_quote(s));
  if (day < 1 || static_cast<unsigned>(day) > days_in_month(static_cast<unsigned>(month), year)) {
    return parse_error(text, "day out of range");
  }
  const int64_t local =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      hour * 3600 + minute * 60 + second;
  return GoTime{local - offset, nanos, offset};
}

Result<std::string> format_rfc3339_nano(const GoTime& t) {
  const int64_t local = t.unix_seconds + t.offset_seconds;
  int64_t days = local / 86400;
  int64_t secs = local % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  const Civil c = civil_from_days(days);
  if (c.year < 0 || c.year >= 10000) {
    return Error{"Time.MarshalJSON: year outside of range [0,9999]"};
  }
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(c.year), c.month, c.day,
                        static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                        static_cast<long long>(secs % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (t.nanos != 0) {
    std::snprintf(buf, sizeof(buf), ".%09d", t.nanos);
    std::string frac(buf);
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  if (t.offset_seconds == 0) {
    out += 'Z';
  } else {
    const int32_t abs_minutes = (t.offset_seconds < 0 ? -t.offset_seconds : t.offset_seconds) / 60;
    std::snprintf(buf, sizeof(buf), "%c%02d:%02d", t.offset_seconds < 0 ? '-' : '+',
                  abs_minutes / 60, abs_minutes % 60);
    out += buf;
  }
  return out;
}

}  // namespace wgmesh::keys
