// Writing JSON byte-identical to Go's json.Marshal (Go 1.19): compact, fields in the order
// the caller writes them, strings escaped like Go with HTML escaping on — `<`, `>`, `&` as
// \u003c \u003e \u0026, U+2028/U+2029 as \u2028/\u2029, control characters as \u00XX
// except \n \r \t, invalid UTF-8 as \ufffd (crypto.md §6.2, §13.5). Byte-identical
// plaintexts let tests compare ciphertexts with Go's for a fixed nonce.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wgmesh::keys {

// Appends `s` as a Go-escaped JSON string literal (with quotes).
void append_go_json_string(std::string& out, std::string_view s);

class GoJsonWriter {
 public:
  GoJsonWriter& begin_object();
  GoJsonWriter& end_object();
  GoJsonWriter& begin_array();
  GoJsonWriter& end_array();
  GoJsonWriter& key(std::string_view name);
  GoJsonWriter& string(std::string_view value);
  GoJsonWriter& integer(int64_t value);
  GoJsonWriter& boolean(bool value);
  GoJsonWriter& null();
  // A value already serialised as JSON.
  GoJsonWriter& raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();

  std::string out_;
  std::vector<bool> first_in_container_;
  bool after_key_ = false;
};

}  // namespace wgmesh::keys
