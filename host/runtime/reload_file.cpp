#include "runtime/reload_file.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <sstream>
#include <vector>

namespace wgmesh {
namespace {
std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}
}  // namespace

Status apply_reload_file(const std::string& text, NodeConfig& node) {
  std::optional<std::string> routes, level;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(line.substr(0, eq));
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = trim(line.substr(eq + 1));
    if (key == "advertise-routes") routes = value;
    else if (key == "log-level") level = value;
  }
  if (level && !level->empty() && !parse_log_level(*level, node.log_level))
    return Error{"log-level '" + *level + "' must be debug, info, warn or error"};
  if (routes) {
    std::vector<std::string> list;
    std::istringstream items(*routes);
    std::string item;
    while (std::getline(items, item, ',')) {
      item = trim(item);
      if (!item.empty()) list.push_back(item);
    }
    node.advertise_routes = std::move(list);
  }
  return {};
}

}  // namespace wgmesh
