// Newline-delimited framing of the RPC socket (spec §7.3): each request is one line; a '\r'
// right before the '\n' is dropped. The framer bounds memory by refusing a line as soon as
// it grows past the limit, without waiting for its newline.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wgmesh::rpc {

class LineFramer {
 public:
  explicit LineFramer(size_t max_line) : max_line_(max_line) {}

  enum class Status { kOk, kOversized };

  // Appends bytes and moves every completed line (without its terminator) to `lines`.
  // kOversized: a line exceeded max_line bytes; the lines before it were still delivered,
  // nothing after it is, and the framer stays in that state (the connection must end).
  Status feed(std::string_view data, std::vector<std::string>& lines);

  // At end of input: the unterminated last line, if any (as Go's bufio.Scanner, which the
  // original server used, delivers a final line without newline).
  std::optional<std::string> finish();

  // Bytes of the incomplete line held so far.
  size_t partial_size() const { return partial_.size(); }
  bool oversized() const { return oversized_; }

 private:
  size_t max_line_;
  std::string partial_;
  bool oversized_ = false;
};

}  // namespace wgmesh::rpc
