// A JSON reader with the exact acceptance rules and syntax-error texts of Go's
// encoding/json (Go 1.19), which is what every Go wgmesh node uses to read envelopes and
// payloads (crypto.md §6.3, §13.5):
//  - strict RFC 8259 syntax, white space = space, TAB, LF, CR; nesting depth <= 10000;
//  - errors like Go's: `invalid character 'x' looking for beginning of value`,
//    `unexpected end of JSON input`, `invalid character '}' after object key`;
//  - strings unescaped like Go: \uXXXX and surrogate pairs decoded, lone surrogates and
//    invalid UTF-8 replaced by U+FFFD;
//  - numbers kept as their literal text so integer fields can apply Go's rules exactly
//    (no fraction, no exponent, int64 range) and nothing is lost to floating point.
// The resulting tree is decoded into structs with go_json_decode.h.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace wgmesh::keys {

enum class JsonKind { kNull, kBool, kNumber, kString, kArray, kObject };

class JsonValue {
 public:
  JsonValue() = default;
  explicit JsonValue(JsonKind kind) : kind(kind) {}
  // Move-only: documents can nest 10000 levels deep, so copies and destruction are done
  // without recursion (see the destructor).
  JsonValue(JsonValue&&) noexcept = default;
  JsonValue& operator=(JsonValue&&) noexcept;
  JsonValue(const JsonValue&) = delete;
  JsonValue& operator=(const JsonValue&) = delete;
  ~JsonValue();

  JsonKind kind = JsonKind::kNull;
  bool boolean = false;
  std::string text;              // unescaped string value, or the number literal
  std::vector<JsonValue> items;  // array elements
  std::vector<std::pair<std::string, JsonValue>> members;  // object members, in input order
  // Byte range of this value in the parsed input (for fields decoded from their raw text).
  size_t begin = 0;
  size_t end = 0;

 private:
  void destroy_children() noexcept;
};

// Validates `data` like Go's json.Unmarshal (whole input, one top-level value) and builds
// the tree. The error message is Go's SyntaxError text.
Result<JsonValue> parse_go_json(std::string_view data);

// Go's name for the kind in UnmarshalTypeError texts: "string", "number", "bool", "array",
// "object" (null never produces a type error).
std::string_view go_json_kind_name(JsonKind kind);

}  // namespace wgmesh::keys
