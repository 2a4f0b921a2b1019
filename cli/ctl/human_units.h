// Human-readable times and sizes for wgmeshctl's tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wgmesh::ctl {

// RFC 3339 ("2026-02-20T10:15:04Z", "...+01:00", fractional seconds allowed) to Unix seconds.
std::optional<int64_t> parse_rfc3339(std::string_view text);

// "12s ago", "3m ago", "2h ago", "4d ago"; clock skew into the future reads "just now".
std::string format_ago(int64_t then_unix, int64_t now_unix);

// "512 B", "1.5 KiB", "3.2 MiB", ... (binary units, one decimal).
std::string format_bytes(uint64_t bytes);

// "3d 4h", "2h 5m", "4m 10s", "12s".
std::string format_duration(int64_t seconds);

}  // namespace wgmesh::ctl
