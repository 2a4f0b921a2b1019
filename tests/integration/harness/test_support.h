// Helpers shared by the harness tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/netns_ops.h"

// Namespaces need CAP_NET_ADMIN + CAP_SYS_ADMIN: without root the test is skipped.
#define WGMESH_REQUIRE_ROOT() \
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces)"

namespace wgmesh::testbed::test {

// Namespaces whose name starts with "<prefix>-".
inline std::vector<std::string> namespaces_of(const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& name : list_netns()) {
    if (name.rfind(prefix + "-", 0) == 0) out.push_back(name);
  }
  return out;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// True once the process is gone or a zombie (a zombie holds no namespace and runs no code).
inline bool process_gone(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return true;
  auto paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

}  // namespace wgmesh::testbed::test
