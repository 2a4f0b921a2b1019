#include <cstdio>

#include "commands.h"

#ifndef WGMESH_VERSION
#define WGMESH_VERSION "0.0.0"
#endif

namespace wgmesh::cli {

std::string version_line() { return std::string("wgmesh version ") + WGMESH_VERSION; }

int cmd_version() {
  std::printf("%s\n", version_line().c_str());
  return 0;
}

}  // namespace wgmesh::cli
