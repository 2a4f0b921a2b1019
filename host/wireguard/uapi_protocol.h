// The cross-platform WireGuard userspace API (UAPI) text protocol, as spoken over
// /var/run/wireguard/<if>.sock by wireguard-go, boringtun and others
// (https://www.wireguard.com/xplatform/). Pure functions, no I/O: the socket side lives in
// uapi_backend.h. The parsers take untrusted input (any process able to create the socket
// could answer) and are fuzzed.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "wireguard/public_key_memo.h"
#include "wireguard/types.h"

namespace wgmesh::wg::uapi {

inline constexpr std::string_view kGetRequest = "get=1\n\n";

// Encodes `update` as a `set=1` request, handing it to `sink` in pieces (the device header,
// one piece per peer, the terminating blank line) so a large request is written while it is
// produced instead of being built whole. Each piece is wiped after `sink` returns because it
// may hold a private or preshared key. Stops at, and returns, the first error from `sink`.
// Fails without calling `sink` further on a value the protocol cannot carry.
Status encode_set(const DeviceUpdate& update, const std::function<Status(std::string_view)>& sink);

// The whole request as one string (tests, small updates). The caller should wipe() it.
Result<std::string> encode_set(const DeviceUpdate& update);

// Parses the reply to a `set=1` request: exactly "errno=N\n\n". N != 0 becomes an Error naming
// the errno (wireguard-go sends negative values, the protocol document positive ones; both
// are accepted).
Status parse_set_response(std::string_view response);

// Parses the reply to `get=1`: device lines, then per-peer lines, then "errno=N" and a blank
// line. Unknown keys are skipped (newer implementations add some); malformed values,
// a missing terminator or a non-zero errno are errors. `ifname` is left empty. The public
// key is derived from the private key, through `memo` when given (repeated reads).
Result<DeviceState> parse_get_response(std::string_view response, PublicKeyMemo* memo = nullptr);

// True once `buffer` holds a complete response (the errno line and the blank line after it),
// so a reader knows when to stop without waiting for the peer to close.
bool response_complete(std::string_view buffer);

}  // namespace wgmesh::wg::uapi
