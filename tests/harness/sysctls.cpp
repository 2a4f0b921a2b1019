#include "harness/sysctls.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace wgmesh::testbed {
namespace {

std::string path_of(const std::string& key) {
  std::string tail = key;
  std::replace(tail.begin(), tail.end(), '.', '/');
  return "/proc/sys/" + tail;
}

}  // namespace

std::optional<std::string> read_sysctl(const std::string& key) {
  std::ifstream in(path_of(key));
  std::string value;
  if (!in || !std::getline(in, value)) return std::nullopt;
  return value;
}

bool write_sysctl(const std::string& key, const std::string& value) {
  std::ofstream out(path_of(key));
  out << value;
  return static_cast<bool>(out.flush());
}

SysctlValues raise_neigh_limits(const std::string& restore_file) {
  // 50 full-mesh hosts need ~4900 entries; these are the values testbed.md verified.
  static const std::pair<const char*, long> kTargets[] = {
      {"gc_thresh1", 4096}, {"gc_thresh2", 8192}, {"gc_thresh3", 16384}};
  SysctlValues originals, targets;
  for (const char* family : {"ipv4", "ipv6"}) {
    for (const auto& [name, target] : kTargets) {
      std::string key = std::string("net.") + family + ".neigh.default." + name;
      auto current = read_sysctl(key);
      if (!current || std::stol(*current) >= target) continue;
      originals.emplace_back(key, *current);
      targets.emplace_back(key, std::to_string(target));
    }
  }
  if (originals.empty()) return originals;
  {
    std::ofstream out(restore_file, std::ios::app);
    for (const auto& [key, value] : originals) out << key << " " << value << "\n";
    if (!out.flush()) throw std::runtime_error("cannot write " + restore_file);
  }
  // Upper limits first, so thresh1 <= thresh2 <= thresh3 holds at every step.
  std::reverse(targets.begin(), targets.end());
  for (const auto& [key, value] : targets) {
    if (!write_sysctl(key, value)) throw std::runtime_error("cannot set " + key);
  }
  return originals;
}

void restore_sysctls(const std::string& restore_file) {
  std::ifstream in(restore_file);
  if (!in) return;
  SysctlValues values;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key, value;
    if (fields >> key >> value) values.emplace_back(key, value);
  }
  // Lower thresh1 first (the reverse of raising).
  for (const auto& [key, value] : values) write_sysctl(key, value);
  std::remove(restore_file.c_str());
}

}  // namespace wgmesh::testbed
