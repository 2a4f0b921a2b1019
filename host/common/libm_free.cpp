// The few libm functions that static libstdc++ (and the dht plugin) need, for the lean-linked
// daemon and plugins, so that they need no libm.so at all.
//
// Why: with libstdc++ linked statically (cmake/lean_link.cmake), libm.so was loaded only for
// ceil() (std::unordered_map's rehash policy) and fegetround()/fesetround() (std::from_chars
// and std::to_chars for double keep round-to-nearest while converting). Loading it cost
// ~370 KB of every daemon's resident memory: the dynamic linker runs the resolvers of all of
// libm's IFUNC'd functions and walks its symbol tables for every symbol it binds. Linked with
// -Wl,--wrap=<name>, libstdc++'s calls come here instead. x86-64 only (the build only wraps
// there); the rounding-mode pair does what glibc's x86-64 versions do.
#include <cmath>
#include <cstdint>

extern "C" double __wrap_ceil(double x) {
  // From 2^52 up every double is an integer; NaN and infinities come back unchanged too.
  // fabs/copysign are compiler builtins here (bit operations), not libm calls.
  if (!(std::fabs(x) < 4503599627370496.0)) return x;
  double t = static_cast<double>(static_cast<int64_t>(x));  // truncates toward zero
  if (t < x) t += 1.0;
  return std::copysign(t, x);  // ceil(-0.5) is -0.0
}

// The dht plugin rounds its timer intervals with llround.
extern "C" long long __wrap_llround(double x) {
  // Out of range (and NaN): what x86-64 libm returns, the "integer indefinite" value.
  if (!(std::fabs(x) < 9223372036854775808.0)) return static_cast<long long>(INT64_MIN);
  auto t = static_cast<long long>(x);              // truncates toward zero
  const double rest = x - static_cast<double>(t);  // exact
  if (rest >= 0.5)
    ++t;
  else if (rest <= -0.5)
    --t;  // halves round away from zero
  return t;
}

#if defined(__x86_64__)
namespace {
// FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO are the x87 control word's
// rounding-control bits (10-11); SSE's MXCSR keeps the same two bits at 13-14.
constexpr unsigned kX87RoundingBits = 0xc00;
}  // namespace

extern "C" int __wrap_fegetround() {
  unsigned short control = 0;
  asm volatile("fnstcw %0" : "=m"(control));
  return static_cast<int>(control & kX87RoundingBits);
}

extern "C" int __wrap_fesetround(int mode) {
  if ((static_cast<unsigned>(mode) & ~kX87RoundingBits) != 0) return 1;
  unsigned short control = 0;
  asm volatile("fnstcw %0" : "=m"(control));
  control =
      static_cast<unsigned short>((control & ~kX87RoundingBits) | static_cast<unsigned>(mode));
  asm volatile("fldcw %0" : : "m"(control));
  unsigned mxcsr = 0;
  asm volatile("stmxcsr %0" : "=m"(mxcsr));
  mxcsr = (mxcsr & ~(kX87RoundingBits << 3)) | (static_cast<unsigned>(mode) << 3);
  asm volatile("ldmxcsr %0" : : "m"(mxcsr));
  return 0;
}
#endif
