// Text encodings of binary values, matching the Go standard library byte for byte:
//  - hex: lowercase, like Go's %x and hex.EncodeToString;
//  - base64 standard with padding (Go base64.StdEncoding): envelope fields, keys, PSK,
//    state file, rotation hashes;
//  - base64url without padding (Go base64.RawURLEncoding): generated mesh secrets.
// The decoders reproduce Go's (non-strict) decoder exactly (crypto.md §13.2): CR and LF are
// skipped anywhere, padding is required for the padded alphabet, trailing garbage is an
// error, non-zero unused bits in the last character are accepted, and the error text is
// Go's "illegal base64 data at input byte N" with Go's offset.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "keys/bytes.h"

namespace wgmesh::keys {

std::string hex_encode(ByteView bytes);
// Accepts upper- and lowercase digits; an odd length or a non-hex character is an error.
Result<Bytes> hex_decode(std::string_view text);

std::string base64_encode(ByteView bytes);
Result<Bytes> base64_decode(std::string_view text);

std::string base64url_nopad_encode(ByteView bytes);
Result<Bytes> base64url_nopad_decode(std::string_view text);

}  // namespace wgmesh::keys
