// Wall-clock time as the Go code sees it: a receiver clock with nanosecond precision,
// Go's time arithmetic for the freshness checks of envelopes (§6.3 step 6) and rotation
// announcements (§8.1), and RFC 3339 text for RotationState (§8.2).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace wgmesh::keys {

// A point in time: Unix seconds plus nanoseconds in [0, 1e9).
struct UnixTime {
  int64_t seconds = 0;
  int32_t nanos = 0;

  static UnixTime from_seconds(int64_t s) { return {s, 0}; }
  // From fractional Unix seconds (e.g. 1800000000.5); floors toward negative infinity so
  // the nanoseconds stay in [0, 1e9). Doubles carry ~0.2 us precision at today's dates.
  static UnixTime from_double(double seconds);
  friend bool operator==(const UnixTime&, const UnixTime&) = default;
};

// Injectable clock; production code uses system_clock_now.
using Clock = std::function<UnixTime()>;
UnixTime system_clock_now();

// Go's time.Since(time.Unix(timestamp, 0)) evaluated at `now`, in nanoseconds, saturated
// to the int64 range exactly like Go's Time.Sub (including Go's wrap-around of the
// internal seconds for timestamps within 62135596800 s of INT64_MAX).
int64_t go_age_nanos(UnixTime now, int64_t timestamp);

// Go's time.Unix(timestamp, 0).After(now.Add(window)).
bool go_is_after(int64_t timestamp, UnixTime now, int64_t window_nanos);

enum class Freshness { kFresh, kTooOld, kInFuture };

struct FreshnessCheck {
  Freshness verdict;
  int64_t age_nanos;  // for the "message too old: <age>" text
};

// The acceptance window shared by envelopes (600 s) and rotation announcements (3600 s):
// too old if age > window, in the future if timestamp > now + window; both bounds inclusive.
FreshnessCheck check_freshness(int64_t timestamp, UnixTime now, int64_t window_nanos);

// A civil time with a fixed UTC offset, as carried by Go's time.Time through JSON.
struct GoTime {
  int64_t unix_seconds = 0;
  int32_t nanos = 0;
  int32_t offset_seconds = 0;  // east of UTC
  friend bool operator==(const GoTime&, const GoTime&) = default;
};

// time.Parse(time.RFC3339, text) as used by time.Time's JSON decoding: fractional seconds
// optional (any number of digits, beyond 9 ignored), "Z" or ±hh:mm.
Result<GoTime> parse_rfc3339(std::string_view text);

// Format RFC3339Nano ("2006-01-02T15:04:05.999999999Z07:00") as time.Time's JSON encoding
// writes it: trailing zeros of the fraction dropped, "Z" for a zero offset. Years outside
// 0..9999 are an error, as in Go's Time.MarshalJSON.
Result<std::string> format_rfc3339_nano(const GoTime& t);

}  // namespace wgmesh::keys
