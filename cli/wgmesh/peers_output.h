// The original's text output of `wgmesh peers list|count|get` (centralized-rpc-cli.md §8.4,
// later-upstream layout), from the daemon's JSON results. Pure functions: the command does
// the RPC, these turn a result into text or into the original's error line.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "keys/go_time.h"

namespace wgmesh::cli {

// Each returns nullopt and appends the text to `out`, or returns the error line the
// original prints to stderr ("Invalid response format", "Invalid peers data",
// "Invalid peer count data") and leaves `out` alone.
std::optional<std::string> format_peers_list(const rapidjson::Value& result, keys::UnixTime now,
                                             std::string& out);
std::optional<std::string> format_peer_counts(const rapidjson::Value& result, std::string& out);
std::optional<std::string> format_peer_info(const rapidjson::Value& result, std::string& out);

// "12s", "3m", "2h", "4d" since an RFC 3339 time, "unknown" if it does not parse; Go's
// truncation toward zero, so a time 3.5 s in the future reads "-3s" (formatDuration).
std::string relative_last_seen(std::string_view rfc3339, keys::UnixTime now);

// Go's %-Ns: pads with spaces to `width` code points, never cuts.
std::string pad_right(std::string_view text, size_t width);

// The first `n` code points of `text` (the original cuts bytes and can split a character;
// counting code points is what the spec allows and keeps the output valid UTF-8).
std::string first_code_points(std::string_view text, size_t n);
size_t code_point_count(std::string_view text);

}  // namespace wgmesh::cli
