// Running the built `wgmesh` binary from the tests, with an environment that cannot reach a
// real daemon or secret by accident.
#pragma once

#include <string>
#include <vector>

#include "test_support.h"

namespace wgmesh::test {

inline ProcessResult run_wgmesh(std::vector<std::string> args, ProcessOptions options = {}) {
  args.insert(args.begin(), WGMESH_BIN);
  for (const char* v : {"WGMESH_SECRET", "WGMESH_SECRET_FILE", "WGMESH_SOCKET", "NO_COLOR"})
    if (!options.env.count(v)) options.unset_env.push_back(v);
  return run_process(args, options);
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    out.push_back(text.substr(start, nl - start));
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

}  // namespace wgmesh::test
