// `wgmesh qr --secret S`: the secret URI as a scannable QR code (crypto.md §2.6, with the
// Improvement: a real code instead of the original's framed text box). The argument is
// used as typed: no trimming, no parsing; anything not starting with "wgmesh://" is wrapped
// as "wgmesh://v1/<arg>", exactly as the original does.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "commands.h"
#include "flag_exit.h"
#include "keys/secret.h"
#include "qr_matrix.h"
#include "qr_render.h"

namespace wgmesh::cli {
namespace {

// Colours only for a terminal (escape codes would corrupt a file or pipe), and never when
// the user opted out (https://no-color.org).
bool use_colors() {
  const char* no_color = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) == 1 && !(no_color && *no_color);
}

}  // namespace

int cmd_qr(const Args& args) {
  std::string secret;
  GoFlagSet flags("qr");
  flags.add_string("secret", &secret, "Mesh secret to encode as QR code");
  if (auto rc = parse_flags_or_exit(flags, args)) return *rc;
  if (secret.empty()) {
    std::fputs("Error: --secret is required\nUsage: wgmesh qr --secret <SECRET>\n", stderr);
    return 1;
  }
  std::string uri = secret;
  if (uri.rfind(keys::kSecretUriPrefix, 0) != 0)
    uri = std::string(keys::kSecretUriVersionPrefix) + uri;

  auto matrix = encode_qr(uri);
  if (!matrix.ok()) {
    std::fprintf(stderr, "Failed to generate QR code: %s\n", matrix.message().c_str());
    return 1;
  }
  std::string out = "Mesh Secret QR Code\n====================\n\n";
  for (const auto& line : render_qr_half_blocks(*matrix, kQrQuietZone, use_colors()))
    out += line + '\n';
  // The URI goes below the code (the original printed it above its text box) so it stays
  // next to the code when copied, and keeps its "URI: " prefix for scripts.
  out += "\nURI: " + uri + "\n\nScan this QR code or copy the URI to join the mesh.\n";
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace wgmesh::cli
