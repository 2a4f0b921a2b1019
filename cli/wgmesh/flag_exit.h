// The exit rule every Go-flag subcommand shares (centralized-rpc-cli.md §8.2): -h/--help
// prints the usage to stderr and exits 0; a syntax error prints error and usage and exits 2.
#pragma once

#include <cstdio>
#include <optional>

#include "commands.h"
#include "go_flags.h"

namespace wgmesh::cli {

// Parses `args`; returns the exit code when the command must stop here, nullopt to go on.
inline std::optional<int> parse_flags_or_exit(GoFlagSet& flags, const Args& args) {
  switch (flags.parse(args)) {
    case GoFlagSet::Outcome::Help:
      std::fputs(flags.message().c_str(), stderr);
      return 0;
    case GoFlagSet::Outcome::Error:
      std::fputs(flags.message().c_str(), stderr);
      return 2;
    case GoFlagSet::Outcome::Ok:
      break;
  }
  return std::nullopt;
}

}  // namespace wgmesh::cli
