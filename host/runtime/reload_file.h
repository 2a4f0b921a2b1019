// The original's reload file (daemon.md §3.5): UTF-8 KEY=VALUE lines read on SIGHUP when the
// daemon runs from command-line flags (wgmesh join) rather than a config file.
#pragma once

#include <string>

#include "common/result.h"
#include "runtime/config.h"

namespace wgmesh {

// Applies `advertise-routes` (empty value = no routes) and `log-level` (empty = unchanged)
// to `node`. Unknown keys, blank lines, '#' comments and lines without '=' are skipped;
// the later of two equal keys wins. An invalid log level or CIDR is an error.
Status apply_reload_file(const std::string& text, NodeConfig& node);

}  // namespace wgmesh
