// Column-aligned text tables. Widths count code points, so hostnames in any script line up.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace wgmesh::ctl {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void add_row(std::vector<std::string> row);
  // Two spaces between columns; no padding after the last column.
  void render(std::ostream& out, const std::string& indent = "") const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Number of UTF-8 code points in `s` (continuation bytes are not counted).
size_t display_width(const std::string& s);

}  // namespace wgmesh::ctl
