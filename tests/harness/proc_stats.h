// Resource figures of a running process from /proc, for benchmarks and leak checks
// (testbed.md §8): resident set from /proc/PID/status, CPU time from /proc/PID/stat.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>

namespace wgmesh::testbed {

// VmRSS in KiB from the text of /proc/PID/status.
std::optional<long> parse_vm_rss_kb(std::string_view status_text);
// utime + stime (fields 14 and 15, clock ticks) from the text of /proc/PID/stat. The command
// name (field 2) may contain spaces and parentheses, so fields are counted after the last ')'.
std::optional<long long> parse_cpu_ticks(std::string_view stat_text);

// Time on CPU in nanoseconds: the first field of /proc/PID/task/TID/schedstat. Tick-based
// utime/stime (10 ms resolution, sampled) cannot resolve an idle daemon's few ms per minute.
std::optional<long long> parse_schedstat_ns(std::string_view schedstat_text);

// Empty once the process is gone (or is a zombie without memory).
std::optional<long> read_rss_kb(pid_t pid);
std::optional<long long> read_cpu_ticks(pid_t pid);
// Sum of parse_schedstat_ns over the process's live threads (threads that already exited are
// not counted: wgmeshd and wireguard-go keep theirs).
std::optional<long long> read_cpu_ns(pid_t pid);

}  // namespace wgmesh::testbed
