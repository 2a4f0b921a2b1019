// The QR code of `wgmesh qr`: the rendering must reproduce libqrencode's matrix module for
// module (no decoder is available here, so the test reads the half blocks back).
#include <gtest/gtest.h>
#include <qrencode.h>

#include <memory>
#include <string>
#include <vector>

#include "peers_output.h"  // code_point_count
#include "qr_matrix.h"
#include "qr_render.h"

using namespace wgmesh::cli;

namespace {

const std::string kUri = "wgmesh://v1/K7x2abcdefghijklmnopqrstuvwxyz0123456789ABCDEF";

// Splits a rendered line into its glyphs (each a whole UTF-8 sequence or a space).
std::vector<std::string> glyphs(const std::string& line) {
  std::vector<std::string> out;
  for (size_t i = 0; i < line.size();) {
    size_t n = (static_cast<unsigned char>(line[i]) & 0x80) == 0 ? 1 : 3;  // ASCII or U+25xx
    out.push_back(line.substr(i, n));
    i += n;
  }
  return out;
}

// Reads the rendering back into dark/light modules (rows 0..2*lines-1, quiet zone included).
std::vector<std::vector<bool>> read_back(const std::vector<std::string>& lines) {
  std::vector<std::vector<bool>> rows;
  for (const auto& line : lines) {
    std::vector<bool> upper, lower;
    for (const auto& g : glyphs(line)) {
      // Ink marks light modules: █ both light, ▀ upper light, ▄ lower light, space both dark.
      bool upper_light = g == "\u2588" || g == "\u2580";
      bool lower_light = g == "\u2588" || g == "\u2584";
      EXPECT_TRUE(g == " " || upper_light || lower_light) << "unexpected glyph '" << g << "'";
      upper.push_back(!upper_light);
      lower.push_back(!lower_light);
    }
    rows.push_back(upper);
    rows.push_back(lower);
  }
  return rows;
}

struct QrFree {
  void operator()(QRcode* c) const { QRcode_free(c); }
};

}  // namespace

TEST(Qr, MatrixIsLibqrencodesOwn) {
  auto m = encode_qr(kUri);
  ASSERT_TRUE(m.ok()) << m.message();
  std::unique_ptr<QRcode, QrFree> ref(
      QRcode_encodeString(kUri.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  ASSERT_TRUE(ref);
  ASSERT_EQ(m->width, ref->width);
  EXPECT_EQ(m->width, 33);  // version 4 for this 56-byte URI at level M
  for (int y = 0; y < ref->width; ++y)
    for (int x = 0; x < ref->width; ++x)
      ASSERT_EQ(m->is_dark(x, y), (ref->data[y * ref->width + x] & 1) != 0) << x << "," << y;
  // The three finder patterns: dark 7x7 rings in the corners.
  for (auto [ox, oy] : {std::pair{0, 0}, std::pair{m->width - 7, 0}, std::pair{0, m->width - 7}}) {
    for (int i = 0; i < 7; ++i) {
      EXPECT_TRUE(m->is_dark(ox + i, oy));
      EXPECT_TRUE(m->is_dark(ox, oy + i));
    }
    EXPECT_FALSE(m->is_dark(ox + 1, oy + 1));
    EXPECT_TRUE(m->is_dark(ox + 3, oy + 3));
  }
}

TEST(Qr, HalfBlockRenderingReadsBackToTheSameModules) {
  auto m = encode_qr(kUri);
  ASSERT_TRUE(m.ok());
  auto lines = render_qr_half_blocks(*m, kQrQuietZone, false);
  const int size = m->width + 2 * kQrQuietZone;  // 37: odd, so the last line has a padding half
  ASSERT_EQ(lines.size(), static_cast<size_t>((size + 1) / 2));
  for (const auto& l : lines) EXPECT_EQ(code_point_count(l), static_cast<size_t>(size)) << l;
  auto rows = read_back(lines);
  ASSERT_EQ(rows.size(), static_cast<size_t>(size + 1));
  for (int y = 0; y < size + 1; ++y) {
    for (int x = 0; x < size; ++x) {
      bool in_symbol = x >= kQrQuietZone && y >= kQrQuietZone && x < kQrQuietZone + m->width &&
                       y < kQrQuietZone + m->width;
      bool expected = in_symbol && m->is_dark(x - kQrQuietZone, y - kQrQuietZone);
      ASSERT_EQ(rows[y][x], expected) << "module " << x << "," << y;
    }
  }
  // The quiet zone is two light modules: the first line is solid full blocks.
  EXPECT_EQ(lines.front(), [&] {
    std::string s;
    for (int i = 0; i < size; ++i) s += "\u2588";
    return s;
  }());
}

TEST(Qr, GlyphsAndColours) {
  EXPECT_STREQ(half_block_glyph(false, false), "\u2588");
  EXPECT_STREQ(half_block_glyph(false, true), "\u2580");
  EXPECT_STREQ(half_block_glyph(true, false), "\u2584");
  EXPECT_STREQ(half_block_glyph(true, true), " ");
  auto m = encode_qr("x");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->width, 21);  // version 1
  auto plain = render_qr_half_blocks(*m, 2, false);
  auto coloured = render_qr_half_blocks(*m, 2, true);
  ASSERT_EQ(plain.size(), coloured.size());
  for (size_t i = 0; i < plain.size(); ++i)
    EXPECT_EQ(coloured[i], "\x1b[97;40m" + plain[i] + "\x1b[0m");
}

TEST(Qr, TooLongTextFails) {
  auto m = encode_qr(std::string(4000, 'a'));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.message(), "the text is too long for a QR code");
}
