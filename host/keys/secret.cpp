#include "keys/secret.h"

#include <algorithm>

#include "keys/encoding.h"
#include "keys/utf8.h"

namespace wgmesh::keys {

namespace {

// unicode.IsSpace.
bool is_go_space(char32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

bool is_valid_space(const DecodedRune& d) {
  return !(d.rune == kRuneError && d.size == 1) && is_go_space(d.rune);
}

}  // namespace

std::string_view go_trim_space(std::string_view text) {
  while (!text.empty()) {
    const DecodedRune d = decode_rune(text);
    if (!is_valid_space(d)) break;
    text.remove_prefix(d.size);
  }
  while (!text.empty()) {
    const DecodedRune d = decode_last_rune(text);
    if (!is_valid_space(d)) break;
    text.remove_suffix(d.size);
  }
  return text;
}

SecureBytes parse_secret(std::string_view input) {
  std::string_view text = go_trim_space(input);
  if (text.substr(0, kSecretUriPrefix.size()) == kSecretUriPrefix) {
    text.remove_prefix(kSecretUriPrefix.size());
    // The part before the first '/' (normally "v1") is ignored, as in the Go daemon.
    const size_t slash = text.find('/');
    if (slash != std::string_view::npos) {
      text.remove_prefix(slash + 1);
      text = text.substr(0, text.find('?'));
    }
  }
  return SecureBytes::from_text(text);
}

Status validate_secret(std::string_view secret) {
  if (secret.size() < kMinSecretBytes) return Error{"secret must be at least 16 characters"};
  return Status::Ok();
}

Result<SecureBytes> secret_from_input(std::string_view input) {
  SecureBytes secret = parse_secret(input);
  if (Status st = validate_secret(secret.text()); !st.ok()) return st.error();
  return secret;
}

bool secret_input_is_uri(std::string_view input) {
  return go_trim_space(input).substr(0, kSecretUriPrefix.size()) == kSecretUriPrefix;
}

SecureBytes format_secret_uri(std::string_view secret) {
  SecureBytes uri(kSecretUriVersionPrefix.size() + secret.size());
  std::copy(kSecretUriVersionPrefix.begin(), kSecretUriVersionPrefix.end(), uri.data());
  std::copy(secret.begin(), secret.end(), uri.data() + kSecretUriVersionPrefix.size());
  return uri;
}

SecureBytes generate_secret(size_t random_bytes, const RandomSource& random) {
  SecureBytes raw(random_bytes);
  random(raw.writable());
  std::string text = base64url_nopad_encode(raw.view());
  SecureBytes secret = SecureBytes::from_text(text);
  secure_wipe({reinterpret_cast<uint8_t*>(text.data()), text.size()});
  return secret;
}

}  // namespace wgmesh::keys
