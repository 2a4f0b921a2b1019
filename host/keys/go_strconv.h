// Go's strconv behaviours that show up in wgmesh's wire rules and error texts:
// Quote (the %q verb in error messages), Atoi (endpoint ports: sign and leading zeros are
// accepted), and ParseInt/ParseUint as used by encoding/json for integer fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace wgmesh::keys {

// strconv.Quote: double-quoted Go string literal with Go's escapes; non-printable runes
// (go_is_print) are escaped as \xXX, \uXXXX or \UXXXXXXXX exactly as Go does.
std::string go_quote(std::string_view s);

// strconv.Atoi on a 64-bit platform, with Go's error text, e.g.
// `strconv.Atoi: parsing "abc": invalid syntax` or `...: value out of range`.
Result<int64_t> go_atoi(std::string_view s);

// strconv.ParseInt(s, 10, 64) / ParseUint(s, 10, bits): the value, or nullopt on any error.
std::optional<int64_t> go_parse_int64(std::string_view s);
std::optional<uint64_t> go_parse_uint(std::string_view s, int bits);

}  // namespace wgmesh::keys
