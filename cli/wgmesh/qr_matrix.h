// A QR code symbol as a square of modules, produced by libqrencode.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace wgmesh::cli {

struct QrMatrix {
  int width = 0;           // modules per side, without any quiet zone
  std::vector<bool> dark;  // row-major, width * width
  bool is_dark(int x, int y) const {
    return x >= 0 && y >= 0 && x < width && y < width && dark[static_cast<size_t>(y * width + x)];
  }
};

// Encodes `text` with the smallest version that fits, error correction level M (15 %:
// a terminal rendering can lose a little to font gaps and still scan), byte mode for
// anything that is not alphanumeric, case preserved. Fails for text longer than a QR code
// holds (about 2300 bytes at level M) with the library's reason.
Result<QrMatrix> encode_qr(const std::string& text);

}  // namespace wgmesh::cli
