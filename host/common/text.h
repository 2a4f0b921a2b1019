// Small text helpers for line-oriented files (config side files, /proc, sysctl values),
// written without string streams: those pull the whole iostream/locale machinery into the
// statically linked daemon.
#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace wgmesh {

// s without leading and trailing whitespace.
inline std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// The pieces of s between separators; a trailing separator gives no empty last piece (as
// std::getline does), empty pieces in the middle are kept.
inline std::vector<std::string> split(std::string_view s, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(separator, start);
    if (end == std::string_view::npos) end = s.size();
    out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace wgmesh
