#include "harness/proc_stats.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace wgmesh::testbed {
namespace {

std::optional<std::string> slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

template <typename T>
std::optional<T> to_number(std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  return value;
}

std::string_view next_field(std::string_view& rest) {
  std::size_t start = rest.find_first_not_of(" \t\n");
  if (start == std::string_view::npos) return {};
  rest.remove_prefix(start);
  std::size_t end = rest.find_first_of(" \t\n");
  std::string_view field = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  return field;
}

}  // namespace

std::optional<long> parse_vm_rss_kb(std::string_view status_text) {
  constexpr std::string_view kKey = "\nVmRSS:";
  std::size_t pos = status_text.find(kKey);
  if (pos == std::string_view::npos) return std::nullopt;
  std::string_view rest = status_text.substr(pos + kKey.size());
  return to_number<long>(next_field(rest));
}

std::optional<long long> parse_cpu_ticks(std::string_view stat_text) {
  std::size_t paren = stat_text.rfind(')');
  if (paren == std::string_view::npos) return std::nullopt;
  std::string_view rest = stat_text.substr(paren + 1);
  // After ")" come fields 3 (state), 4, ...; utime is field 14, stime field 15.
  std::optional<long long> utime, stime;
  for (int field = 3; field <= 15; ++field) {
    std::string_view value = next_field(rest);
    if (value.empty()) return std::nullopt;
    if (field == 14) utime = to_number<long long>(value);
    if (field == 15) stime = to_number<long long>(value);
  }
  if (!utime || !stime) return std::nullopt;
  return *utime + *stime;
}

std::optional<long long> parse_schedstat_ns(std::string_view schedstat_text) {
  return to_number<long long>(next_field(schedstat_text));
}

std::optional<long> read_rss_kb(pid_t pid) {
  auto text = slurp("/proc/" + std::to_string(pid) + "/status");
  if (!text) return std::nullopt;
  return parse_vm_rss_kb(*text);
}

std::optional<long long> read_cpu_ticks(pid_t pid) {
  auto text = slurp("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  return parse_cpu_ticks(*text);
}

std::optional<long long> read_cpu_ns(pid_t pid) {
  std::error_code ec;
  std::filesystem::directory_iterator tasks("/proc/" + std::to_string(pid) + "/task", ec);
  if (ec) return std::nullopt;
  long long total = 0;
  bool any = false;
  for (const auto& task : tasks) {
    auto text = slurp(task.path().string() + "/schedstat");
    if (!text) continue;  // the thread exited meanwhile
    if (auto ns = parse_schedstat_ns(*text)) {
      total += *ns;
      any = true;
    }
  }
  if (!any) return std::nullopt;
  return total;
}

}  // namespace wgmesh::testbed
