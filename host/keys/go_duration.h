// Go's time.Duration text form: Duration.String() (e.g. "1h30m0s", "10m1s", "1.5s", "0s",
// "2562047h47m16.854775807s") and time.ParseDuration. Used in envelope freshness errors
// ("message too old: 10m1s"), rotation grace periods and the RotationState JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace wgmesh::keys {

inline constexpr int64_t kNanosPerSecond = 1'000'000'000;

// Duration.String() for a duration in nanoseconds.
std::string format_go_duration(int64_t nanos);

// time.ParseDuration: returns nanoseconds, or Go's error text such as
// `time: invalid duration "abc"` / `time: unknown unit "x" in duration "1x"`.
Result<int64_t> parse_go_duration(std::string_view text);

// Duration.Seconds() truncated to an integer the way Go's int64(d.Seconds()) does it
// (through float64, so 1.5 s becomes 1).
int64_t go_duration_whole_seconds(int64_t nanos);

}  // namespace wgmesh::keys
