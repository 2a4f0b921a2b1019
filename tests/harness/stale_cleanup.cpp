#include "harness/stale_cleanup.h"

#include <dirent.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "harness/netns_ops.h"
#include "harness/sysctls.h"

namespace wgmesh::testbed {
namespace {

constexpr std::size_t kMkdtempSuffix = 7;  // "-XXXXXX"

bool process_alive(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto paren = text.rfind(')');
  return paren == std::string::npos || paren + 2 >= text.size() || text[paren + 2] != 'Z';
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Bed directories under the temp root, by bed prefix.
std::map<std::string, std::vector<std::string>> bed_dirs() {
  std::map<std::string, std::vector<std::string>> out;
  const std::string root = bed_tmp_root();
  DIR* dir = ::opendir(root.c_str());
  if (dir == nullptr) return out;
  while (dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (!starts_with(name, kBedDirStem) || name.size() <= kBedDirStem.size() + kMkdtempSuffix) {
      continue;
    }
    std::string_view prefix = name.substr(kBedDirStem.size());
    prefix.remove_suffix(kMkdtempSuffix);
    out[std::string(prefix)].push_back(root + "/" + std::string(name));
  }
  ::closedir(dir);
  return out;
}

// `select(name)` picks namespaces (full name) and bed directories (bed prefix) to look at;
// `remove_dirs` says whether stale directories go.
template <typename Select>
StaleCleanupReport clean(Select select, bool remove_dirs) {
  StaleCleanupReport report;
  std::set<std::string> live;
  auto stale = [&](const std::string& bed, const std::string& name) {
    if (!select(name)) return false;
    if (auto pid = owner_pid(bed); pid && process_alive(*pid)) {
      live.insert(bed);
      return false;
    }
    return true;
  };

  std::vector<std::string> doomed;
  for (const auto& name : list_netns()) {
    if (stale(bed_prefix_of(name), name)) doomed.push_back(name);
  }
  for (const auto& [name, pids] : pids_in_netns(doomed)) {
    report.killed.insert(report.killed.end(), pids.begin(), pids.end());
  }
  terminate_pids(report.killed, std::chrono::milliseconds(1000));
  delete_netns(doomed);
  for (const auto& name : doomed) {
    if (!netns_exists(name)) report.namespaces.push_back(name);
  }

  for (const auto& [bed, dirs] : bed_dirs()) {
    if (!stale(bed, bed)) continue;
    for (const auto& dir : dirs) {
      restore_sysctls(dir + "/sysctl.restore");
      if (!remove_dirs) continue;
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
      if (!ec) report.dirs.push_back(dir);
    }
  }
  report.skipped_live.assign(live.begin(), live.end());
  return report;
}

}  // namespace

std::string bed_prefix_of(std::string_view netns_name) {
  auto dash = netns_name.rfind('-');
  return std::string(dash == std::string_view::npos ? netns_name : netns_name.substr(0, dash));
}

std::optional<pid_t> owner_pid(std::string_view bed_prefix) {
  if (!starts_with(bed_prefix, "wgm")) return std::nullopt;
  std::string_view rest = bed_prefix.substr(3);
  std::size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;
  std::string_view tail = rest.substr(digits);
  if (!tail.empty()) {
    // "x<k>": the k-th concurrent bed of the same process.
    if (tail.size() < 2 || tail[0] != 'x' ||
        tail.substr(1).find_first_not_of("0123456789") != std::string_view::npos) {
      return std::nullopt;
    }
  }
  return static_cast<pid_t>(std::stol(std::string(rest.substr(0, digits))));
}

std::string bed_tmp_root() {
  const char* env = std::getenv("TMPDIR");
  std::string root = env != nullptr && *env != '\0' ? env : "/tmp";
  if (starts_with(root, "/run") || starts_with(root, "/var/run")) root = "/tmp";
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

StaleCleanupReport cleanup_stale(const std::string& prefix) {
  if (prefix.empty()) throw std::invalid_argument("cleanup_stale: empty prefix");
  return clean([&](const std::string& name) { return starts_with(name, prefix); }, true);
}

StaleCleanupReport sweep_dead_beds() {
  return clean([](const std::string& name) { return owner_pid(bed_prefix_of(name)).has_value(); },
               false);
}

}  // namespace wgmesh::testbed
