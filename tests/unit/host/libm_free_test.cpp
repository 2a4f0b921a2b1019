// The libm-free ceil/fegetround/fesetround the lean binaries link instead of libm's
// (host/common/libm_free.cpp): same results as libm's.
#include <gtest/gtest.h>

#include <cfenv>
#include <cmath>
#include <limits>
#include <random>

extern "C" double __wrap_ceil(double x);
extern "C" long long __wrap_llround(double x);
#if defined(__x86_64__)
extern "C" int __wrap_fegetround();
extern "C" int __wrap_fesetround(int mode);
#endif

TEST(LibmFree, CeilMatchesLibmOnEdgesAndRandomValues) {
  const double inf = std::numeric_limits<double>::infinity();
  for (double x : {0.0,
                   -0.0,
                   0.5,
                   -0.5,
                   1.0,
                   -1.0,
                   1.0000001,
                   -1.0000001,
                   2.5,
                   -2.5,
                   1e15 + 0.5,
                   -1e15 - 0.5,
                   4503599627370495.5,
                   -4503599627370495.5,
                   4503599627370496.0,
                   9007199254740993.0,
                   1e300,
                   -1e300,
                   inf,
                   -inf,
                   std::numeric_limits<double>::denorm_min(),
                   -std::numeric_limits<double>::denorm_min()}) {
    double want = std::ceil(x), got = __wrap_ceil(x);
    EXPECT_EQ(want, got) << x;
    EXPECT_EQ(std::signbit(want), std::signbit(got)) << x;
  }
  EXPECT_TRUE(std::isnan(__wrap_ceil(std::numeric_limits<double>::quiet_NaN())));
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> small(-1e6, 1e6);
  std::uniform_int_distribution<int> exponent(-30, 70);
  for (int i = 0; i < 200000; ++i) {
    double x = i % 2 ? small(rng) : std::ldexp(small(rng), exponent(rng));
    ASSERT_EQ(std::ceil(x), __wrap_ceil(x)) << x;
  }
}

TEST(LibmFree, LlroundMatchesLibm) {
  for (double x :
       {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
        4503599627370495.5, -4503599627370495.5, 1e18, -1e18, 9.2e18, -9.2e18})
    EXPECT_EQ(std::llround(x), __wrap_llround(x)) << x;
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> small(-1e6, 1e6);
  std::uniform_int_distribution<int> exponent(-30, 40);
  for (int i = 0; i < 200000; ++i) {
    double x = i % 2 ? small(rng) : std::ldexp(small(rng), exponent(rng));
    ASSERT_EQ(std::llround(x), __wrap_llround(x)) << x;
  }
}

#if defined(__x86_64__)
// The rounding mode set through the wrapper is what libm reads back and what both the x87
// and the SSE unit use; the wrapper reads back what libm set.
TEST(LibmFree, RoundingModeAgreesWithLibmAndTheHardware) {
  volatile double one = 1.0, three = 3.0;
  double up = 0, down = 0;
  for (int mode : {FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO, FE_TONEAREST}) {
    ASSERT_EQ(__wrap_fesetround(mode), 0);
    EXPECT_EQ(std::fegetround(), mode);
    EXPECT_EQ(__wrap_fegetround(), mode);
    double third = one / three;  // SSE division: rounds per MXCSR
    if (mode == FE_UPWARD) up = third;
    if (mode == FE_DOWNWARD) down = third;
    ASSERT_EQ(std::fesetround(mode == FE_TONEAREST ? FE_UPWARD : FE_TONEAREST), 0);
    EXPECT_EQ(__wrap_fegetround(), mode == FE_TONEAREST ? FE_UPWARD : FE_TONEAREST);
  }
  EXPECT_GT(up, down);
  EXPECT_NE(__wrap_fesetround(0x1234), 0);  // not a rounding mode: refused, nothing changed
  ASSERT_EQ(std::fesetround(FE_TONEAREST), 0);
  EXPECT_EQ(__wrap_fegetround(), FE_TONEAREST);
}
#endif
