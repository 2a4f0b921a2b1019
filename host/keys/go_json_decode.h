// Decoding a parsed JSON tree into C++ structs with the semantics of Go's json.Unmarshal,
// so that every envelope and payload is accepted or rejected exactly as a Go node would
// (crypto.md §6.3 step 1/4, §6.6, discovery.md §2.2 "JSON dialect"):
//  - object keys match field names exactly or, failing that, case-insensitively with Go's
//    folding (including U+212A KELVIN SIGN for k and U+017F LONG S for s);
//  - unknown keys are ignored; for duplicate keys the last one wins;
//  - null leaves strings, numbers, bools and structs unchanged and empties slices;
//  - integers must be integer literals in range (no fraction, no exponent);
//  - []byte fields take standard base64 (or, like Go, an array of 0..255 numbers);
//  - a type mismatch does not stop decoding; the *first* error is reported, with Go's text:
//    `json: cannot unmarshal string into Go struct field PeerAnnouncement.timestamp of type int64`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keys/bytes.h"
#include "keys/go_json.h"

namespace wgmesh::keys {

// Go's case-insensitive field-name match (encoding/json equalFoldRight) for an ASCII
// lowercase field name.
bool go_json_key_matches(std::string_view field_name, std::string_view key);

// A Go slice decoded by json.Unmarshal: Go decodes into the existing backing array, so a
// repeated key updates elements in place (fields absent from the new element keep their
// old values) and capacity beyond the length can resurface. Emulated to keep duplicate-key
// behaviour identical; values() is the visible slice.
template <typename T>
struct GoSlice {
  std::vector<T> backing;  // size() == Go's cap()
  size_t length = 0;

  std::vector<T> values() const { return {backing.begin(), backing.begin() + length}; }
};

class GoJsonDecoder {
 public:
  // One entry of a struct's field table, in Go declaration order.
  struct Field {
    std::string_view name;
    std::function<void(const JsonValue&)> decode;
  };

  // Decodes an object into a struct. `struct_name` is Go's type name without package (used
  // as the error context, "" for anonymous structs); `go_type` is the full type for errors
  // when the value is not an object (e.g. "crypto.KnownPeer").
  void decode_struct(const JsonValue& v, std::string_view struct_name, std::string_view go_type,
                     const std::vector<Field>& fields);

  void decode_string(const JsonValue& v, std::string& out);
  void decode_int64(const JsonValue& v, int64_t& out);
  void decode_bool(const JsonValue& v, bool& out);
  void decode_bytes(const JsonValue& v, GoSlice<uint8_t>& out);

  // Decodes an array into a Go slice; `go_type` names the slice type for errors
  // (e.g. "[]string").
  template <typename T>
  void decode_slice(const JsonValue& v, GoSlice<T>& out, std::string_view go_type,
                    const std::function<void(const JsonValue&, T&)>& decode_element);

  // Records a type mismatch (Go's UnmarshalTypeError) with the current field context.
  void type_error(std::string_view value_desc, std::string_view go_type);
  // Records any other error (e.g. a base64 error inside a []byte field) verbatim.
  void save_error(std::string message);
  // Ends decoding at once with `message`, overriding a saved error: Go returns errors of
  // types that decode themselves (json.Unmarshaler, e.g. time.Time) immediately.
  void abort(std::string message);

  bool failed() const { return error_.has_value(); }
  const std::string& error() const { return *error_; }

 private:
  std::optional<std::string> error_;
  bool aborted_ = false;
  // Go's errorContext: the innermost struct type being decoded and the JSON field path.
  bool has_context_ = false;
  std::string struct_name_;
  std::vector<std::string> field_stack_;
};

template <typename T>
void GoJsonDecoder::decode_slice(const JsonValue& v, GoSlice<T>& out, std::string_view go_type,
                                 const std::function<void(const JsonValue&, T&)>& decode_element) {
  switch (v.kind) {
    case JsonKind::kNull:
      out = GoSlice<T>{};
      return;
    case JsonKind::kArray:
      break;
    default:
      type_error(go_json_kind_name(v.kind), go_type);
      return;
  }
  size_t i = 0;
  for (const JsonValue& element : v.items) {
    if (aborted_) return;
    if (i >= out.backing.size()) {
      // Go grows by half (at least to 4) into a fresh zeroed array, copying only len elements.
      size_t new_cap = out.backing.size() + out.backing.size() / 2;
      if (new_cap < 4) new_cap = 4;
      std::vector<T> grown(new_cap);
      for (size_t k = 0; k < out.length; ++k) grown[k] = std::move(out.backing[k]);
      out.backing = std::move(grown);
    }
    if (i >= out.length) out.length = i + 1;
    decode_element(element, out.backing[i]);
    ++i;
  }
  if (i < out.length) out.length = i;
  if (i == 0) out = GoSlice<T>{};  // Go replaces an empty result by a fresh empty slice
}

}  // namespace wgmesh::keys
