#include "keys/go_json.h"

#include "keys/go_strconv.h"
#include "keys/utf8.h"

namespace wgmesh::keys {

namespace {

// Go's encoding/json refuses documents nested deeper than this.
constexpr size_t kMaxNestingDepth = 10000;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Go's quoteChar: how the scanner names an offending byte in its error messages. The byte
// is treated as a code point (so 0xE9 prints as 'é').
std::string quote_char(char c) {
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  std::string as_rune;
  append_rune(as_rune, static_cast<uint8_t>(c));
  const std::string quoted = go_quote(as_rune);
  return "'" + quoted.substr(1, quoted.size() - 2) + "'";
}

Error syntax_error(char c, std::string_view context) {
  return Error{"invalid character " + quote_char(c) + " " + std::string(context)};
}

Error unexpected_end() { return Error{"unexpected end of JSON input"}; }

// Go's getu4: the code unit of a \uXXXX escape at s[0], or -1.
int32_t getu4(std::string_view s) {
  if (s.size() < 6 || s[0] != '\\' || s[1] != 'u') return -1;
  int32_t r = 0;
  for (size_t i = 2; i < 6; ++i) {
    const char c = s[i];
    int v = 0;
    if (is_digit(c)) {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      return -1;
    }
    r = r * 16 + v;
  }
  return r;
}

// Go's unquote for a string body the scanner already accepted.
std::string unquote(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t r = 0;
  while (r < s.size()) {
    const char c = s[r];
    if (c == '\\') {
      const char esc = s[r + 1];
      switch (esc) {
        case 'b':
          out += '\b';
          r += 2;
          continue;
        case 'f':
          out += '\f';
          r += 2;
          continue;
        case 'n':
          out += '\n';
          r += 2;
          continue;
        case 'r':
          out += '\r';
          r += 2;
          continue;
        case 't':
          out += '\t';
          r += 2;
          continue;
        case 'u':
          break;
        default:
          out += esc;
          r += 2;
          continue;  // " \ /
      }
      int32_t rr = getu4(s.substr(r));
      r += 6;
      if (rr >= 0xD800 && rr < 0xE000) {
        const int32_t rr1 = getu4(s.substr(r));
        if (rr < 0xDC00 && rr1 >= 0xDC00 && rr1 < 0xE000) {
          append_rune(out, static_cast<char32_t>(((rr - 0xD800) << 10 | (rr1 - 0xDC00)) + 0x10000));
          r += 6;
          continue;
        }
        rr = kRuneError;  // lone or mismatched surrogate
      }
      append_rune(out, static_cast<char32_t>(rr));
    } else if (static_cast<uint8_t>(c) < 0x80) {
      out += c;
      ++r;
    } else {
      // Coerce to well-formed UTF-8: each invalid byte becomes U+FFFD.
      const DecodedRune d = decode_rune(s.substr(r));
      append_rune(out, d.rune);
      r += d.size;
    }
  }
  return out;
}

class Parser {
 public:
  explicit Parser(std::string_view data) : d_(data) {}

  Result<JsonValue> run() {
    enum class State { kValue, kValueOrArrayEnd, kKeyOrObjectEnd, kKey, kAfterValue };
    State state = State::kValue;
    while (true) {
      switch (state) {
        case State::kValue:
        case State::kValueOrArrayEnd: {
          skip_space();
          if (eof()) return unexpected_end();
          const char c = d_[pos_];
          if (state == State::kValueOrArrayEnd && c == ']') {
            ++pos_;
            close_container();
            state = State::kAfterValue;
            break;
          }
          if (c == '{' || c == '[') {
            if (stack_.size() + 1 > kMaxNestingDepth) return syntax_error(c, "exceeded max depth");
            stack_.emplace_back(c == '{' ? JsonKind::kObject : JsonKind::kArray);
            stack_.back().value.begin = pos_++;
            state = c == '{' ? State::kKeyOrObjectEnd : State::kValueOrArrayEnd;
            break;
          }
          JsonValue value;
          value.begin = pos_;
          if (c == '"') {
            auto s = scan_string();
            if (!s.ok()) return s.error();
            value.kind = JsonKind::kString;
            value.text = std::move(*s);
          } else if (c == '-' || is_digit(c)) {
            if (auto st = scan_number(); !st.ok()) return st.error();
            value.kind = JsonKind::kNumber;
            value.text = std::string(d_.substr(value.begin, pos_ - value.begin));
          } else if (c == 't' || c == 'f' || c == 'n') {
            if (auto st = scan_literal(c); !st.ok()) return st.error();
            value.kind = c == 'n' ? JsonKind::kNull : JsonKind::kBool;
            value.boolean = c == 't';
          } else {
            return syntax_error(c, "looking for beginning of value");
          }
          value.end = pos_;
          complete(std::move(value));
          state = State::kAfterValue;
          break;
        }
        case State::kKeyOrObjectEnd:
        case State::kKey: {
          skip_space();
          if (eof()) return unexpected_end();
          const char c = d_[pos_];
          if (state == State::kKeyOrObjectEnd && c == '}') {
            ++pos_;
            close_container();
            state = State::kAfterValue;
            break;
          }
          if (c != '"') return syntax_error(c, "looking for beginning of object key string");
          auto key = scan_string();
          if (!key.ok()) return key.error();
          skip_space();
          if (eof()) return unexpected_end();
          if (d_[pos_] != ':') return syntax_error(d_[pos_], "after object key");
          ++pos_;
          stack_.back().pending_key = std::move(*key);
          state = State::kValue;
          break;
        }
        case State::kAfterValue: {
          skip_space();
          if (stack_.empty()) {
            if (!eof()) return syntax_error(d_[pos_], "after top-level value");
            return std::move(result_);
          }
          if (eof()) return unexpected_end();
          const char c = d_[pos_];
          const bool in_object = stack_.back().value.kind == JsonKind::kObject;
          if (c == ',') {
            ++pos_;
            state = in_object ? State::kKey : State::kValue;
          } else if (c == (in_object ? '}' : ']')) {
            ++pos_;
            close_container();
          } else {
            return syntax_error(c,
                                in_object ? "after object key:value pair" : "after array element");
          }
          break;
        }
      }
    }
  }

 private:
  struct Frame {
    explicit Frame(JsonKind kind) : value(kind) {}
    JsonValue value;
    std::string pending_key;
  };

  bool eof() const { return pos_ >= d_.size(); }
  void skip_space() {
    while (!eof() && is_space(d_[pos_])) ++pos_;
  }

  // Where Go's scanner meets the end of input in the middle of a token, it feeds a space
  // and reports that as the invalid character.
  char current_or_space() const { return eof() ? ' ' : d_[pos_]; }

  void complete(JsonValue value) {
    if (stack_.empty()) {
      result_ = std::move(value);
      return;
    }
    Frame& top = stack_.back();
    if (top.value.kind == JsonKind::kObject) {
      top.value.members.emplace_back(std::move(top.pending_key), std::move(value));
    } else {
      top.value.items.push_back(std::move(value));
    }
  }

  void close_container() {
    JsonValue value = std::move(stack_.back().value);
    stack_.pop_back();
    value.end = pos_;
    complete(std::move(value));
  }

  Result<std::string> scan_string() {
    const size_t start = ++pos_;
    while (true) {
      if (eof()) return unexpected_end();
      const char c = d_[pos_];
      if (c == '"') break;
      if (c == '\\') {
        ++pos_;
        const char esc = current_or_space();
        if (esc == 'u') {
          for (int i = 0; i < 4; ++i) {
            ++pos_;
            const char h = current_or_space();
            if (!is_hex(h)) return syntax_error(h, "in \\u hexadecimal character escape");
          }
        } else if (std::string_view("bfnrt\\/\"").find(esc) == std::string_view::npos) {
          return syntax_error(esc, "in string escape code");
        }
        ++pos_;
        continue;
      }
      if (static_cast<uint8_t>(c) < 0x20) return syntax_error(c, "in string literal");
      ++pos_;
    }
    std::string text = unquote(d_.substr(start, pos_ - start));
    ++pos_;  // closing quote
    return text;
  }

  Status scan_number() {
    if (d_[pos_] == '-') {
      ++pos_;
      if (!is_digit(current_or_space()))
        return syntax_error(current_or_space(), "in numeric literal");
    }
    if (d_[pos_] == '0') {
      ++pos_;
    } else {
      while (!eof() && is_digit(d_[pos_])) ++pos_;
    }
    if (!eof() && d_[pos_] == '.') {
      ++pos_;
      if (!is_digit(current_or_space())) {
        return syntax_error(current_or_space(), "after decimal point in numeric literal");
      }
      while (!eof() && is_digit(d_[pos_])) ++pos_;
    }
    if (!eof() && (d_[pos_] == 'e' || d_[pos_] == 'E')) {
      ++pos_;
      if (!eof() && (d_[pos_] == '+' || d_[pos_] == '-')) ++pos_;
      if (!is_digit(current_or_space())) {
        return syntax_error(current_or_space(), "in exponent of numeric literal");
      }
      while (!eof() && is_digit(d_[pos_])) ++pos_;
    }
    return Status::Ok();
  }

  Status scan_literal(char first) {
    const std::string_view word = first == 't' ? "true" : first == 'f' ? "false" : "null";
    for (size_t i = 1; i < word.size(); ++i) {
      ++pos_;
      const char c = current_or_space();
      if (c != word[i]) {
        return syntax_error(c, "in literal " + std::string(word) + " (expecting '" +
                                   std::string(1, word[i]) + "')");
      }
    }
    ++pos_;
    return Status::Ok();
  }

  std::string_view d_;
  size_t pos_ = 0;
  std::vector<Frame> stack_;
  JsonValue result_;
};

}  // namespace

JsonValue& JsonValue::operator=(JsonValue&& other) noexcept {
  if (this != &other) {
    destroy_children();
    kind = other.kind;
    boolean = other.boolean;
    text = std::move(other.text);
    items = std::move(other.items);
    members = std::move(other.members);
    begin = other.begin;
    end = other.end;
  }
  return *this;
}

JsonValue::~JsonValue() { destroy_children(); }

void JsonValue::destroy_children() noexcept {
  if (items.empty() && members.empty()) return;
  // Flatten the subtree into a work list so that destroying a deeply nested document does
  // not recurse once per level.
  std::vector<JsonValue> pending;
  auto drain = [&pending](JsonValue& v) {
    for (auto& item : v.items) pending.push_back(std::move(item));
    v.items.clear();
    for (auto& member : v.members) pending.push_back(std::move(member.second));
    v.members.clear();
  };
  drain(*this);
  while (!pending.empty()) {
    JsonValue v = std::move(pending.back());
    pending.pop_back();
    drain(v);
  }
}

Result<JsonValue> parse_go_json(std::string_view data) { return Parser(data).run(); }

std::string_view go_json_kind_name(JsonKind kind) {
  switch (kind) {
    case JsonKind::kString:
      return "string";
    case JsonKind::kNumber:
      return "number";
    case JsonKind::kBool:
      return "bool";
    case JsonKind::kArray:
      return "array";
    case JsonKind::kObject:
      return "object";
    case JsonKind::kNull:
      return "null";
  }
  return "value";
}

}  // namespace wgmesh::keys
