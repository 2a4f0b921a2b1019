#include "keys/go_json_encode.h"

#include "keys/utf8.h"

namespace wgmesh::keys {

namespace {
constexpr char kHex[] = "0123456789abcdef";
}  // namespace

void append_go_json_string(std::string& out, std::string_view s) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<uint8_t>(s[i]);
    if (b < 0x80) {
      if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&') {
        out += static_cast<char>(b);
      } else if (b == '"' || b == '\\') {
        out += '\\';
        out += static_cast<char>(b);
      } else if (b == '\n') {
        out += "\\n";
      } else if (b == '\r') {
        out += "\\r";
      } else if (b == '\t') {
        out += "\\t";
      } else {
        out += "\\u00";
        out += kHex[b >> 4];
        out += kHex[b & 0xF];
      }
      ++i;
      continue;
    }
    const DecodedRune r = decode_rune(s.substr(i));
    if (r.rune == kRuneError && r.size == 1) {
      out += "\\ufffd";
    } else if (r.rune == 0x2028 || r.rune == 0x2029) {
      // Valid JSON but invalid JavaScript string literals; Go escapes them.
      out += "\\u202";
      out += kHex[r.rune & 0xF];
    } else {
      out.append(s.substr(i, r.size));
    }
    i += r.size;
  }
  out += '"';
}

void GoJsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_in_container_.empty()) {
    if (!first_in_container_.back()) out_ += ',';
    first_in_container_.back() = false;
  }
}

GoJsonWriter& GoJsonWriter::begin_object() {
  before_value();
  out_ += '{';
  first_in_container_.push_back(true);
  return *this;
}

GoJsonWriter& GoJsonWriter::end_object() {
  out_ += '}';
  first_in_container_.pop_back();
  return *this;
}

GoJsonWriter& GoJsonWriter::begin_array() {
  before_value();
  out_ += '[';
  first_in_container_.push_back(true);
  return *this;
}

GoJsonWriter& GoJsonWriter::end_array() {
  out_ += ']';
  first_in_container_.pop_back();
  return *this;
}

GoJsonWriter& GoJsonWriter::key(std::string_view name) {
  before_value();
  append_go_json_string(out_, name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

GoJsonWriter& GoJsonWriter::string(std::string_view value) {
  before_value();
  append_go_json_string(out_, value);
  return *this;
}

GoJsonWriter& GoJsonWriter::integer(int64_t value) {
  before_value();
  out_ += std::to_string(value);
  return *this;
}

GoJsonWriter& GoJsonWriter::boolean(bool value) {
  before_value();
  out_ += value ? "true" : "false";
  return *this;
}

GoJsonWriter& GoJsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

GoJsonWriter& GoJsonWriter::raw(std::string_view json) {
  before_value();
  out_ += json;
  return *this;
}

}  // namespace wgmesh::keys
