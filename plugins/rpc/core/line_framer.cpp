#include "core/line_framer.h"

#include <cstring>

namespace wgmesh::rpc {
namespace {

std::string strip_cr(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

LineFramer::Status LineFramer::feed(std::string_view data, std::vector<std::string>& lines) {
  if (oversized_) return Status::kOversized;
  while (!data.empty()) {
    const void* nl = std::memchr(data.data(), '\n', data.size());
    size_t take =
        nl ? static_cast<size_t>(static_cast<const char*>(nl) - data.data()) : data.size();
    // The limit counts the line's bytes before the newline (the '\r' of a CRLF included).
    if (partial_.size() + take > max_line_) {
      oversized_ = true;
      partial_.clear();
      partial_.shrink_to_fit();
      return Status::kOversized;
    }
    if (!nl) {
      partial_.append(data);
      break;
    }
    if (partial_.empty()) {
      lines.push_back(strip_cr(std::string(data.substr(0, take))));
    } else {
      partial_.append(data.substr(0, take));
      lines.push_back(strip_cr(std::move(partial_)));
      partial_.clear();
    }
    data.remove_prefix(take + 1);
  }
  return Status::kOk;
}

std::optional<std::string> LineFramer::finish() {
  if (oversized_ || partial_.empty()) return std::nullopt;
  std::string last = strip_cr(std::move(partial_));
  partial_.clear();
  return last;
}

}  // namespace wgmesh::rpc
