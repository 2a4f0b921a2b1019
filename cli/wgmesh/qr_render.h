// Draws a QR code on a text terminal with Unicode half blocks: each character cell holds two
// modules, one above the other, so the symbol comes out roughly square and half as tall as
// with one line per module.
//
// Which modules get ink: a scanner needs dark modules on a light background, but a terminal
// may be dark-on-light or light-on-dark. The standard answer (qrencode -t ANSIUTF8, the
// WireGuard and Tailscale CLIs) is to draw the LIGHT modules, quiet zone included, with
// block glyphs in the terminal's foreground colour and to leave DARK modules as spaces, and
// to force the colours with ANSI SGR (white foreground on black background). Then:
//  - on a colour terminal the forced colours make it dark-on-light on any theme;
//  - without colours (a pipe, NO_COLOR) the glyphs take the foreground colour, which is light
//    on the common dark themes, so the code still reads dark-on-light there.
#pragma once

#include <string>
#include <vector>

#include "qr_matrix.h"

namespace wgmesh::cli {

inline constexpr int kQrQuietZone = 2;  // modules of light margin on each side

// One string per terminal line, without newlines. Line k shows module rows 2k and 2k+1 of
// the symbol framed by `quiet_zone` light modules; the half row below the last module row
// (the total height is odd) is light too. With `ansi_colors` each line is wrapped in
// "\x1b[97;40m" ... "\x1b[0m".
std::vector<std::string> render_qr_half_blocks(const QrMatrix& matrix, int quiet_zone,
                                               bool ansi_colors);

// The glyph for a cell whose upper and lower modules are dark or light.
const char* half_block_glyph(bool upper_dark, bool lower_dark);

}  // namespace wgmesh::cli
