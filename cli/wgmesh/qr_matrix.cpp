#include "qr_matrix.h"

#include <qrencode.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace wgmesh::cli {
namespace {
struct QrCodeFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};
}  // namespace

Result<QrMatrix> encode_qr(const std::string& text) {
  if (text.find('\0') != std::string::npos) return Error{"text contains a NUL byte"};
  errno = 0;
  // The same call as `qrencode` itself makes (hint QR_MODE_8, case-sensitive).
  std::unique_ptr<QRcode, QrCodeFree> code(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!code) {
    int err = errno;
    return Error{err == ERANGE ? std::string("the text is too long for a QR code")
                               : std::string("libqrencode: ") + std::strerror(err ? err : EINVAL)};
  }
  QrMatrix m;
  m.width = code->width;
  m.dark.resize(static_cast<size_t>(code->width) * static_cast<size_t>(code->width));
  // libqrencode's module byte: bit 0 is "dark", the other bits describe what the module is.
  for (size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = (code->data[i] & 1) != 0;
  return m;
}

}  // namespace wgmesh::cli
