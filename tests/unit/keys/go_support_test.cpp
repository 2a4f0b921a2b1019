// Go standard-library behaviours reproduced for wire and error-text compatibility:
// durations, strconv, net address text, RFC 3339 and Go's time arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "keys/go_duration.h"
#include "keys/go_net.h"
#include "keys/go_strconv.h"
#include "keys/go_time.h"
#include "keys/utf8.h"

namespace wgmesh::keys {
namespace {

TEST(GoDuration, Format) {
  EXPECT_EQ(format_go_duration(0), "0s");
  EXPECT_EQ(format_go_duration(601 * kNanosPerSecond), "10m1s");
  EXPECT_EQ(format_go_duration(5400 * kNanosPerSecond), "1h30m0s");
  EXPECT_EQ(format_go_duration(86400 * kNanosPerSecond), "24h0m0s");
  EXPECT_EQ(format_go_duration(1'500'000'000), "1.5s");
  EXPECT_EQ(format_go_duration(1'200'000), "1.2ms");
  EXPECT_EQ(format_go_duration(3'000), "3\u00b5s");
  EXPECT_EQ(format_go_duration(45), "45ns");
  EXPECT_EQ(format_go_duration(-1'500'000'000), "-1.5s");
  EXPECT_EQ(format_go_duration(std::numeric_limits<int64_t>::max()), "2562047h47m16.854775807s");
  EXPECT_EQ(format_go_duration(std::numeric_limits<int64_t>::min()), "-2562047h47m16.854775808s");
}

TEST(GoDuration, Parse) {
  EXPECT_EQ(*parse_go_duration("24h"), 86400 * kNanosPerSecond);
  EXPECT_EQ(*parse_go_duration("1h30m"), 5400 * kNanosPerSecond);
  EXPECT_EQ(*parse_go_duration("1.5s"), 1'500'000'000);
  EXPECT_EQ(*parse_go_duration("-0"), 0);
  EXPECT_EQ(*parse_go_duration("1\u00b5s"), 1000);
  EXPECT_EQ(*parse_go_duration(".5h"), 1800 * kNanosPerSecond);
  EXPECT_EQ(parse_go_duration("invalid").message(), "time: invalid duration \"invalid\"");
  EXPECT_EQ(parse_go_duration("1").message(), "time: missing unit in duration \"1\"");
  EXPECT_EQ(parse_go_duration("1x").message(), "time: unknown unit \"x\" in duration \"1x\"");
  EXPECT_EQ(parse_go_duration("").message(), "time: invalid duration \"\"");
  EXPECT_FALSE(parse_go_duration("9223372037s").ok());
  EXPECT_EQ(go_duration_whole_seconds(1'500'000'000), 1);
  EXPECT_EQ(go_duration_whole_seconds(-1'900'000'000), -1);
}

TEST(GoStrconv, QuoteAndAtoi) {
  EXPECT_EQ(go_quote("not-an-ip"), "\"not-an-ip\"");
  EXPECT_EQ(go_quote("a\"b\\c\n\x01\x7f\xff\u00e9\u2028"),
            "\"a\\\"b\\\\c\\n\\x01\\x7f\\xff\u00e9\\u2028\"");
  EXPECT_EQ(*go_atoi("+80"), 80);
  EXPECT_EQ(*go_atoi("0080"), 80);
  EXPECT_EQ(*go_atoi("-0"), 0);
  EXPECT_EQ(go_atoi(" 80").message(), "strconv.Atoi: parsing \" 80\": invalid syntax");
  EXPECT_EQ(go_atoi("").message(), "strconv.Atoi: parsing \"\": invalid syntax");
  EXPECT_EQ(go_atoi("99999999999999999999").message(),
            "strconv.Atoi: parsing \"99999999999999999999\": value out of range");
  EXPECT_EQ(go_parse_int64("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_FALSE(go_parse_int64("1e3").has_value());
  EXPECT_EQ(go_parse_uint("255", 8), 255u);
  EXPECT_FALSE(go_parse_uint("256", 8).has_value());
}

TEST(GoNet, ParseAndFormatIps) {
  auto text = [](std::string_view s) {
    auto ip = go_parse_ip(s);
    return ip ? go_ip_string(*ip) : std::string("nil");
  };
  EXPECT_EQ(text("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(text("010.0.0.1"), "nil");
  EXPECT_EQ(text("::ffff:10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(text("2001:DB8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
  EXPECT_EQ(text("fd00:0:0:1::"), "fd00:0:0:1::");
  EXPECT_EQ(text("1:0:1:0:1:0:1:0"), "1:0:1:0:1:0:1:0");
  EXPECT_EQ(text("fe80::1%eth0"), "nil");
  EXPECT_EQ(text("1::2::3"), "nil");
  EXPECT_EQ(text("10.0.0.1/24"), "nil");
}

TEST(GoNet, CidrAndHostPort) {
  EXPECT_EQ(go_parse_cidr("192.168.1.77/24")->to_string(), "192.168.1.0/24");
  EXPECT_EQ(go_parse_cidr("10.0.0.0/08")->mask_size(), (std::pair<int, int>{8, 32}));
  EXPECT_EQ(go_parse_cidr("2001:db8::1/48")->to_string(), "2001:db8::/48");
  EXPECT_EQ(go_parse_cidr("10.0.0.1").message(), "invalid CIDR address: 10.0.0.1");
  EXPECT_FALSE(go_parse_cidr("10.0.0.0/33").ok());
  auto hp = go_split_host_port("[fe80::1%eth0]:51820");
  ASSERT_TRUE(hp.ok());
  EXPECT_EQ(hp->host, "fe80::1%eth0");
  EXPECT_EQ(hp->port, "51820");
  EXPECT_EQ(go_split_host_port("1.2.3.4").message(), "address 1.2.3.4: missing port in address");
  EXPECT_EQ(go_split_host_port(":::1").message(), "address :::1: too many colons in address");
  EXPECT_EQ(go_split_host_port("").message(), "missing port in address");
  EXPECT_EQ(go_split_host_port("[::1").message(), "address [::1: missing ']' in address");
}

TEST(GoTime, Rfc3339RoundTrip) {
  auto t = parse_rfc3339("2026-01-02T03:04:05.120+05:30");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->offset_seconds, 19800);
  EXPECT_EQ(t->nanos, 120'000'000);
  EXPECT_EQ(*format_rfc3339_nano(*t), "2026-01-02T03:04:05.12+05:30");
  EXPECT_EQ(*format_rfc3339_nano(*parse_rfc3339("2026-01-02T03:04:05+00:00")),
            "2026-01-02T03:04:05Z");
  EXPECT_EQ(parse_rfc3339("2024-02-29T00:00:00Z")->unix_seconds, 1709164800);
  EXPECT_FALSE(parse_rfc3339("2023-02-29T00:00:00Z").ok());
  EXPECT_FALSE(parse_rfc3339("2026-01-02 03:04:05Z").ok());
  EXPECT_FALSE(parse_rfc3339("2026-01-02T24:00:00Z").ok());
  EXPECT_TRUE(format_rfc3339_nano(GoTime{-62135596801, 0, 0}).ok());   // year 0 is fine
  EXPECT_FALSE(format_rfc3339_nano(GoTime{-62167219201, 0, 0}).ok());  // year -1 is not
}

TEST(GoTime, UnixTimeFromDouble) {
  EXPECT_EQ(UnixTime::from_double(1800000000.5), (UnixTime{1800000000, 500'000'000}));
  EXPECT_EQ(UnixTime::from_double(1800000000.0), UnixTime::from_seconds(1800000000));
  EXPECT_EQ(UnixTime::from_double(-0.25), (UnixTime{-1, 750'000'000}));
}

// from_double rounds without libm; it must agree with the floor + llround definition for
// every magnitude and sign (including halves of a nanosecond and values just below them).
TEST(GoTime, UnixTimeFromDoubleAgreesWithFloorAndLlround) {
  auto reference = [](double seconds) {
    const double whole = std::floor(seconds);
    auto nanos = static_cast<int64_t>(std::llround((seconds - whole) * 1e9));
    auto secs = static_cast<int64_t>(whole);
    if (nanos >= 1'000'000'000) {
      ++secs;
      nanos -= 1'000'000'000;
    }
    return UnixTime{secs, static_cast<int32_t>(nanos)};
  };
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> wide(-4e9, 4e9), unit(0, 1);
  for (int i = 0; i < 300000; ++i) {
    double x = i % 3 == 0   ? wide(rng)
               : i % 3 == 1 ? unit(rng) - 0.5
                            : std::floor(wide(rng)) + 0.5e-9;
    ASSERT_EQ(UnixTime::from_double(x), reference(x)) << std::hexfloat << x;
  }
  for (double x : {0.0, -0.0, 0.9999999995, 0.99999999949999, -1e-10, -0.9999999995, 1e-9, 5e-10,
                   4.9999999999e-10, 1e15 + 0.25, -1e15 - 0.75})
    EXPECT_EQ(UnixTime::from_double(x), reference(x)) << std::hexfloat << x;
}

TEST(GoTime, AgeSaturatesLikeGo) {
  const UnixTime now = UnixTime::from_seconds(1800000000);
  EXPECT_EQ(go_age_nanos(now, 1800000000 - 601), 601 * kNanosPerSecond);
  EXPECT_EQ(go_age_nanos(now, std::numeric_limits<int64_t>::min()),
            std::numeric_limits<int64_t>::max());
  // Go's internal seconds wrap for timestamps this close to INT64_MAX: they look ancient.
  EXPECT_EQ(go_age_nanos(now, std::numeric_limits<int64_t>::max()),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(check_freshness(1800000600, now, 600 * kNanosPerSecond).verdict, Freshness::kFresh);
  EXPECT_EQ(check_freshness(1800000601, now, 600 * kNanosPerSecond).verdict, Freshness::kInFuture);
  EXPECT_EQ(check_freshness(1799999400, now, 600 * kNanosPerSecond).verdict, Freshness::kFresh);
  EXPECT_EQ(check_freshness(1799999399, now, 600 * kNanosPerSecond).verdict, Freshness::kTooOld);
}

TEST(Utf8, GoDecodingRules) {
  EXPECT_EQ(decode_rune("\u00e9").rune, 0xE9u);
  EXPECT_EQ(decode_rune("\xed\xa0\x80").size, 1u);              // surrogate: invalid
  EXPECT_EQ(decode_rune("\xc0\xaf").rune, kRuneError);          // overlong
  EXPECT_EQ(decode_rune("\xf4\x90\x80\x80").rune, kRuneError);  // above U+10FFFF
  EXPECT_EQ(decode_last_rune("a\u3000").rune, 0x3000u);
  EXPECT_EQ(decode_last_rune("a\x80").size, 1u);
  std::string out;
  append_rune(out, 0xD800);
  EXPECT_EQ(out, "\uFFFD");
}

}  // namespace
}  // namespace wgmesh::keys
