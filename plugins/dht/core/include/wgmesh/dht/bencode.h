// Strict, bounded bencode (BEP 3) for untrusted UDP input.
//
// Every datagram the DHT receives comes from anyone on the Internet, so the decoder caps
// input size, nesting depth and total item count before allocating, range-checks
// integers, and rejects non-canonical forms that a correct encoder never produces
// (leading zeros, "-0", duplicate dict keys, trailing bytes). Unsorted dict keys are
// tolerated by default because some deployed clients emit them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "host/common/result.h"

namespace wgmesh::dht::bencode {

class Value;
using List = std::vector<Value>;
using DictEntry = std::pair<std::string, Value>;
using Dict = std::vector<DictEntry>;  // insertion order; encode() sorts

class Value {
 public:
  Value() : v_(int64_t{0}) {}
  Value(int64_t i) : v_(i) {}                        // NOLINT(google-explicit-constructor)
  Value(int i) : v_(int64_t{i}) {}                   // NOLINT(google-explicit-constructor)
  Value(std::string s) : v_(std::move(s)) {}         // NOLINT(google-explicit-constructor)
  Value(std::string_view s) : v_(std::string(s)) {}  // NOLINT(google-explicit-constructor)
  Value(const char* s) : v_(std::string(s)) {}       // NOLINT(google-explicit-constructor)
  Value(List l) : v_(std::move(l)) {}                // NOLINT(google-explicit-constructor)
  Value(Dict d) : v_(std::move(d)) {}                // NOLINT(google-explicit-constructor)

  bool is_int() const { return std::holds_alternative<int64_t>(v_); }
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  bool is_list() const { return std::holds_alternative<List>(v_); }
  bool is_dict() const { return std::holds_alternative<Dict>(v_); }

  int64_t as_int() const { return std::get<int64_t>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const List& as_list() const { return std::get<List>(v_); }
  const Dict& as_dict() const { return std::get<Dict>(v_); }
  List& as_list() { return std::get<List>(v_); }
  Dict& as_dict() { return std::get<Dict>(v_); }

  // Dict lookup (linear: KRPC dicts have a handful of keys). nullptr if absent/not a dict.
  const Value* find(std::string_view key) const;
  // Typed lookups: nullptr when absent or of another type.
  const std::string* find_string(std::string_view key) const;
  const int64_t* find_int(std::string_view key) const;
  const Value* find_dict(std::string_view key) const;
  const Value* find_list(std::string_view key) const;

  bool operator==(const Value&) const = default;

 private:
  std::variant<int64_t, std::string, List, Dict> v_;
};

struct Limits {
  size_t max_input = 64 * 1024;  // bytes; larger inputs are rejected before parsing
  int max_depth = 16;            // nested lists/dicts
  size_t max_items = 2048;       // values of any kind in the whole document
  bool require_sorted_keys = false;
};

Result<Value> decode(std::span<const uint8_t> data, const Limits& limits = {});
Result<Value> decode(std::string_view data, const Limits& limits = {});

// Canonical encoding: dict keys sorted bytewise, as BEP 3 requires.
std::string encode(const Value& v);
void encode_to(const Value& v, std::string& out);

}  // namespace wgmesh::dht::bencode
