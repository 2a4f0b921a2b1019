#include "qr_render.h"

namespace wgmesh::cli {

const char* half_block_glyph(bool upper_dark, bool lower_dark) {
  // Ink marks LIGHT modules (see the header).
  if (!upper_dark && !lower_dark) return "\u2588";  // █ both light
  if (!upper_dark) return "\u2580";                 // ▀ upper light, lower dark
  if (!lower_dark) return "\u2584";                 // ▄ upper dark, lower light
  return " ";                                       // both dark
}

std::vector<std::string> render_qr_half_blocks(const QrMatrix& m, int quiet_zone,
                                               bool ansi_colors) {
  const int size = m.width + 2 * quiet_zone;
  // Outside the symbol (quiet zone, and the padding half row) is light.
  auto dark = [&](int x, int y) { return m.is_dark(x - quiet_zone, y - quiet_zone); };
  std::vector<std::string> lines;
  for (int y = 0; y < size; y += 2) {
    std::string line = ansi_colors ? "\x1b[97;40m" : "";
    for (int x = 0; x < size; ++x) line += half_block_glyph(dark(x, y), dark(x, y + 1));
    if (ansi_colors) line += "\x1b[0m";
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace wgmesh::cli
