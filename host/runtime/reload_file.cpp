#include "runtime/reload_file.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "common/text.h"

namespace wgmesh {

Status apply_reload_file(const std::string& text, NodeConfig& node) {
  std::optional<std::string> routes, level;
  for (std::string line : split(text, '\n')) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(line.substr(0, eq));
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = trim(line.substr(eq + 1));
    if (key == "advertise-routes")
      routes = value;
    else if (key == "log-level")
      level = value;
  }
  if (level && !level->empty() && !parse_log_level(*level, node.log_level))
    return Error{"log-level '" + *level + "' must be debug, info, warn or error"};
  if (routes) {
    std::vector<std::string> list;
    for (std::string item : split(*routes, ',')) {
      item = trim(item);
      if (!item.empty()) list.push_back(item);
    }
    node.advertise_routes = std::move(list);
  }
  return {};
}

}  // namespace wgmesh
