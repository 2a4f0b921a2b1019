// wgmeshd's command line. Parsed with getopt_long rather than cxxopts: cxxopts formats and
// parses through std::stringstream and std::regex, which alone pulled ~300 KB of locale and
// regex code into the resident daemon; these ten flags need none of it.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"

namespace wgmesh {

struct DaemonFlags {
  std::string config_path;  // --config / -c (default kDefaultConfigPath)
  bool check_config = false;
  bool help = false;
  bool version = false;
  std::optional<std::string> log_level, plugin_dir, state_dir, interface, backend;
  std::optional<int> listen_port;
};

// Parses argv. An unknown flag, a missing value or a non-numeric port is an Error whose
// message is meant for "wgmeshd: <message>" (exit code 2). Values are not validated
// beyond their type here: the config rules do that once the file is loaded.
Result<DaemonFlags> parse_daemon_flags(int argc, char** argv, const std::string& default_config);

// The --help text.
std::string daemon_flags_help();

}  // namespace wgmesh
