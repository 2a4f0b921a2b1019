#include "wgmesh/dht/bencode.h"

#include <algorithm>
#include <limits>

namespace wgmesh::dht::bencode {

const Value* Value::find(std::string_view key) const {
  if (!is_dict()) return nullptr;
  for (const auto& [k, v] : as_dict())
    if (k == key) return &v;
  return nullptr;
}

const std::string* Value::find_string(std::string_view key) const {
  const Value* v = find(key);
  return v && v->is_string() ? &v->as_string() : nullptr;
}

const int64_t* Value::find_int(std::string_view key) const {
  const Value* v = find(key);
  return v && v->is_int() ? &std::get<int64_t>(v->v_) : nullptr;
}

const Value* Value::find_dict(std::string_view key) const {
  const Value* v = find(key);
  return v && v->is_dict() ? v : nullptr;
}

const Value* Value::find_list(std::string_view key) const {
  const Value* v = find(key);
  return v && v->is_list() ? v : nullptr;
}

namespace {

class Decoder {
 public:
  Decoder(std::span<const uint8_t> in, const Limits& lim) : in_(in), lim_(lim) {}

  Result<Value> run() {
    if (in_.size() > lim_.max_input)
      return Error{"bencode: input of " + std::to_string(in_.size()) + " bytes exceeds limit"};
    Value v;
    if (!parse(v, 0)) return Error{"bencode: " + err_ + " at offset " + std::to_string(pos_)};
    if (pos_ != in_.size())
      return Error{"bencode: trailing bytes at offset " + std::to_string(pos_)};
    return v;
  }

 private:
  bool fail(const char* why) {
    if (err_.empty()) err_ = why;
    return false;
  }
  bool eof() const { return pos_ >= in_.size(); }
  char peek() const { return static_cast<char>(in_[pos_]); }

  bool parse(Value& out, int depth) {
    if (++items_ > lim_.max_items) return fail("too many items");
    if (eof()) return fail("truncated");
    char c = peek();
    if (c == 'i') return parse_int(out);
    if (c >= '0' && c <= '9') {
      std::string s;
      if (!parse_string(s)) return false;
      out = Value(std::move(s));
      return true;
    }
    if (c == 'l' || c == 'd') {
      if (depth + 1 > lim_.max_depth) return fail("nesting too deep");
      ++pos_;
      return c == 'l' ? parse_list(out, depth + 1) : parse_dict(out, depth + 1);
    }
    return fail("unexpected byte");
  }

  // Reads decimal digits into an unsigned value with overflow detection. Leading zeros
  // are rejected except for the single digit "0".
  bool parse_digits(uint64_t& v, uint64_t max) {
    size_t start = pos_;
    v = 0;
    while (!eof() && peek() >= '0' && peek() <= '9') {
      uint64_t d = static_cast<uint64_t>(peek() - '0');
      if (v > (max - d) / 10) return fail("number out of range");
      v = v * 10 + d;
      ++pos_;
    }
    if (pos_ == start) return fail("expected digits");
    if (pos_ - start > 1 && in_[start] == '0') return fail("leading zero");
    return true;
  }

  bool parse_int(Value& out) {
    ++pos_;  // 'i'
    bool neg = false;
    if (!eof() && peek() == '-') {
      neg = true;
      ++pos_;
    }
    uint64_t mag = 0;
    const uint64_t max = neg ? uint64_t{1} << 63 : static_cast<uint64_t>(INT64_MAX);
    if (!parse_digits(mag, max)) return false;
    if (neg && mag == 0) return fail("negative zero");
    if (eof() || peek() != 'e') return fail("unterminated integer");
    ++pos_;
    out = Value(neg ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag));
    return true;
  }

  bool parse_string(std::string& s) {
    uint64_t len = 0;
    if (!parse_digits(len, std::numeric_limits<uint32_t>::max())) return false;
    if (eof() || peek() != ':') return fail("expected ':'");
    ++pos_;
    // Compare against what is left *before* allocating: a "4294967295:" prefix must not
    // make us reserve 4 GB.
    if (len > in_.size() - pos_) return fail("string length exceeds input");
    s.assign(reinterpret_cast<const char*>(in_.data() + pos_), static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
    return true;
  }

  bool parse_list(Value& out, int depth) {
    List l;
    for (;;) {
      if (eof()) return fail("unterminated list");
      if (peek() == 'e') break;
      Value v;
      if (!parse(v, depth)) return false;
      l.push_back(std::move(v));
    }
    ++pos_;
    out = Value(std::move(l));
    return true;
  }

  bool parse_dict(Value& out, int depth) {
    Dict d;
    for (;;) {
      if (eof()) return fail("unterminated dict");
      if (peek() == 'e') break;
      if (peek() < '0' || peek() > '9') return fail("dict key is not a string");
      if (++items_ > lim_.max_items) return fail("too many items");
      std::string key;
      if (!parse_string(key)) return false;
      for (const auto& e : d)
        if (e.first == key) return fail("duplicate dict key");
      if (lim_.require_sorted_keys && !d.empty() && !(d.back().first < key))
        return fail("dict keys not sorted");
      Value v;
      if (!parse(v, depth)) return false;
      d.emplace_back(std::move(key), std::move(v));
    }
    ++pos_;
    out = Value(std::move(d));
    return true;
  }

  std::span<const uint8_t> in_;
  const Limits& lim_;
  size_t pos_ = 0;
  size_t items_ = 0;
  std::string err_;
};

void encode_string(std::string_view s, std::string& out) {
  out += std::to_string(s.size());
  out.push_back(':');
  out.append(s);
}

}  // namespace

Result<Value> decode(std::span<const uint8_t> data, const Limits& limits) {
  return Decoder(data, limits).run();
}

Result<Value> decode(std::string_view data, const Limits& limits) {
  return decode(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()), limits);
}

void encode_to(const Value& v, std::string& out) {
  if (v.is_int()) {
    out.push_back('i');
    out += std::to_string(v.as_int());
    out.push_back('e');
  } else if (v.is_string()) {
    encode_string(v.as_string(), out);
  } else if (v.is_list()) {
    out.push_back('l');
    for (const auto& e : v.as_list()) encode_to(e, out);
    out.push_back('e');
  } else {
    std::vector<const DictEntry*> sorted;
    sorted.reserve(v.as_dict().size());
    for (const auto& e : v.as_dict()) sorted.push_back(&e);
    std::sort(sorted.begin(), sorted.end(),
              [](const DictEntry* a, const DictEntry* b) { return a->first < b->first; });
    out.push_back('d');
    for (const DictEntry* e : sorted) {
      encode_string(e->first, out);
      encode_to(e->second, out);
    }
    out.push_back('e');
  }
}

std::string encode(const Value& v) {
  std::string out;
  encode_to(v, out);
  return out;
}

}  // namespace wgmesh::dht::bencode
