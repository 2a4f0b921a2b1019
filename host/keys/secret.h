// The mesh secret (crypto.md §2): parsing what the user typed (plain text or a
// wgmesh://v1/<secret> URI) exactly like the Go daemon configuration, the length rule,
// the URI form, and generation of new secrets.
//
// The secret is an opaque byte string: every derivation uses the bytes of the parsed text
// exactly as given (no decoding, no normalisation, no case folding).
#pragma once

#include <cstddef>
#include <string_view>

#include "common/result.h"
#include "keys/random.h"
#include "keys/secure_bytes.h"

namespace wgmesh::keys {

inline constexpr size_t kMinSecretBytes = 16;
inline constexpr std::string_view kSecretUriPrefix = "wgmesh://";
inline constexpr std::string_view kSecretUriVersionPrefix = "wgmesh://v1/";
inline constexpr size_t kDefaultSecretRandomBytes = 32;

// Go's strings.TrimSpace: removes leading/trailing Unicode white space (ASCII TAB, LF, VT,
// FF, CR, SPACE, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F,
// U+3000). U+200B ZERO WIDTH SPACE is not white space.
std::string_view go_trim_space(std::string_view text);

// §2.2: trim, then strip "wgmesh://" (case-sensitive) and everything up to the first '/',
// cutting at the first '?' (only when there was a '/'). No URL decoding. No length check.
SecureBytes parse_secret(std::string_view input);

// §2.1: at least 16 bytes. Error text: "secret must be at least 16 characters".
Status validate_secret(std::string_view secret);

// parse_secret followed by validate_secret.
Result<SecureBytes> secret_from_input(std::string_view input);

// Whether the trimmed input is in URI form; plain secrets are often typed by humans and
// may have low entropy, which callers should warn about (§2.4, §10 item 1).
bool secret_input_is_uri(std::string_view input);

// "wgmesh://v1/" + secret, without escaping.
SecureBytes format_secret_uri(std::string_view secret);

// §2.3: `random_bytes` CSPRNG bytes encoded as base64url without padding (43 characters
// for the default 32 bytes). The derivations use this *text*, not the random bytes.
SecureBytes generate_secret(size_t random_bytes = kDefaultSecretRandomBytes,
                            const RandomSource& random = system_random);

}  // namespace wgmesh::keys
