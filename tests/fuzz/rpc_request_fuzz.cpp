// Fuzz target for the rpc plugin's untrusted input path: bytes from a local client go
// through the line framer and the envelope parser, and every outcome is rendered as a
// response. Invariants: no crash, and every response is exactly one line of valid JSON with
// the envelope's shape — whatever the client sent, and whatever a method handed back.
#include <rapidjson/document.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/envelope.h"
#include "core/line_framer.h"

using namespace wgmesh::rpc;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

// An independent strict check: NUL-terminated parsing (the length-based entry would skip a
// UTF-8 byte-order mark), on a copy padded with NULs because RapidJSON's UTF-8 validation
// can read a few bytes past the terminator of a truncated sequence.
bool parses(const std::string& text, rapidjson::Document& d) {
  if (text.find('\0') != std::string::npos) return false;
  std::string padded = text + std::string(4, '\0');
  d.Parse<rapidjson::kParseValidateEncodingFlag>(padded.c_str());
  return !d.HasParseError();
}

void check_response(const std::string& response) {
  require(!response.empty() && response.back() == '\n');
  require(response.find('\n') == response.size() - 1);
  rapidjson::Document d;
  require(parses(response.substr(0, response.size() - 1), d));
  require(d.IsObject());
  require(d.HasMember("jsonrpc") && d["jsonrpc"] == "2.0");
  require(d.HasMember("id"));
  require(d.HasMember("result") != d.HasMember("error"));
  if (d.HasMember("error")) require(d["error"]["code"].IsInt() && d["error"]["message"].IsString());
}

void check_json(const std::string& text) {
  rapidjson::Document d;
  require(parses(text, d));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first byte sets the line limit, so the oversized path is reached too.
  size_t limit = size ? 16 + static_cast<uint8_t>(input[0]) * 16 : 64;
  LineFramer framer(limit);
  std::vector<std::string> lines;
  // Feed in uneven chunks, as a socket would deliver them.
  size_t pos = size ? 1 : 0, step = 1;
  while (pos < size) {
    size_t n = std::min(step, size - pos);
    if (framer.feed(input.substr(pos, n), lines) == LineFramer::Status::kOversized) break;
    pos += n;
    step = step * 3 % 257 + 1;
  }
  if (auto last = framer.finish()) lines.push_back(*last);

  for (const std::string& line : lines) {
    require(line.size() <= limit);
    ParsedRequest parsed = parse_request(line);
    if (const auto* rejected = std::get_if<RejectedRequest>(&parsed)) {
      check_json(rejected->id);
      check_response(error_response(rejected->id, rejected->code, rejected->message));
      continue;
    }
    const Request& req = std::get<Request>(parsed);
    require(!req.method.empty());
    check_json(req.params);
    check_json(req.id);
    // Whatever a method might return, the transport writes one well-formed line.
    check_response(response_from_dispatch(req.id, false, line));
    check_response(response_from_dispatch(req.id, true, line));
    check_response(response_from_dispatch(req.id, false, req.params));
  }
  return 0;
}
