#include "keys/go_json_decode.h"

#include "keys/encoding.h"
#include "keys/go_strconv.h"
#include "keys/utf8.h"

namespace wgmesh::keys {

namespace {
constexpr char32_t kKelvinSign = 0x212A;
constexpr char32_t kSmallLongS = 0x017F;
constexpr uint8_t kCaseMask = static_cast<uint8_t>(~0x20);
}  // namespace

bool go_json_key_matches(std::string_view field_name, std::string_view key) {
  if (field_name == key) return true;
  std::string_view t = key;
  for (char sc : field_name) {
    const auto sb = static_cast<uint8_t>(sc);
    if (t.empty()) return false;
    const auto tb = static_cast<uint8_t>(t[0]);
    if (tb < 0x80) {
      if (sb != tb) {
        const uint8_t upper = sb & kCaseMask;
        if (upper < 'A' || upper > 'Z' || upper != (tb & kCaseMask)) return false;
      }
      t.remove_prefix(1);
      continue;
    }
    // Non-ASCII in the key: only the two special folds of 's' and 'k' can match.
    const DecodedRune r = decode_rune(t);
    if ((sc == 's' || sc == 'S') && r.rune == kSmallLongS) {
      t.remove_prefix(r.size);
    } else if ((sc == 'k' || sc == 'K') && r.rune == kKelvinSign) {
      t.remove_prefix(r.size);
    } else {
      return false;
    }
  }
  return t.empty();
}

void GoJsonDecoder::decode_struct(const JsonValue& v, std::string_view struct_name,
                                  std::string_view go_type, const std::vector<Field>& fields) {
  switch (v.kind) {
    case JsonKind::kNull:
      return;
    case JsonKind::kObject:
      break;
    default:
      type_error(go_json_kind_name(v.kind), go_type);
      return;
  }
  for (const auto& [key, value] : v.members) {
    if (aborted_) return;
    const Field* field = nullptr;
    for (const Field& f : fields) {
      if (f.name == key) {
        field = &f;
        break;
      }
    }
    if (field == nullptr) {
      for (const Field& f : fields) {
        if (go_json_key_matches(f.name, key)) {
          field = &f;
          break;
        }
      }
    }
    if (field == nullptr) continue;  // unknown keys are ignored

    const bool saved_has_context = has_context_;
    const std::string saved_struct = struct_name_;
    const size_t saved_depth = field_stack_.size();
    has_context_ = true;
    struct_name_ = std::string(struct_name);
    field_stack_.emplace_back(field->name);
    field->decode(value);
    field_stack_.resize(saved_depth);
    struct_name_ = saved_struct;
    has_context_ = saved_has_context;
  }
}

void GoJsonDecoder::decode_string(const JsonValue& v, std::string& out) {
  switch (v.kind) {
    case JsonKind::kNull:
      return;
    case JsonKind::kString:
      out = v.text;
      return;
    default:
      type_error(go_json_kind_name(v.kind), "string");
  }
}

void GoJsonDecoder::decode_int64(const JsonValue& v, int64_t& out) {
  switch (v.kind) {
    case JsonKind::kNull:
      return;
    case JsonKind::kNumber:
      if (const auto n = go_parse_int64(v.text)) {
        out = *n;
      } else {
        type_error("number " + v.text, "int64");
      }
      return;
    default:
      type_error(go_json_kind_name(v.kind), "int64");
  }
}

void GoJsonDecoder::decode_bool(const JsonValue& v, bool& out) {
  switch (v.kind) {
    case JsonKind::kNull:
      return;
    case JsonKind::kBool:
      out = v.boolean;
      return;
    default:
      type_error(go_json_kind_name(v.kind), "bool");
  }
}

void GoJsonDecoder::decode_bytes(const JsonValue& v, GoSlice<uint8_t>& out) {
  if (v.kind == JsonKind::kString) {
    auto decoded = base64_decode(v.text);
    if (!decoded.ok()) {
      save_error(decoded.message());
      return;
    }
    // Go decodes into a fresh buffer of DecodedLen(len(s)) bytes and keeps its capacity.
    const size_t capacity = v.text.size() / 4 * 3;
    out.length = decoded->size();
    out.backing = std::move(*decoded);
    if (out.backing.size() < capacity) out.backing.resize(capacity, 0);
    return;
  }
  decode_slice<uint8_t>(v, out, "[]uint8", [this](const JsonValue& element, uint8_t& byte) {
    switch (element.kind) {
      case JsonKind::kNull:
        return;
      case JsonKind::kNumber:
        if (const auto n = go_parse_uint(element.text, 8)) {
          byte = static_cast<uint8_t>(*n);
        } else {
          type_error("number " + element.text, "uint8");
        }
        return;
      default:
        type_error(go_json_kind_name(element.kind), "uint8");
    }
  });
}

void GoJsonDecoder::type_error(std::string_view value_desc, std::string_view go_type) {
  if (error_) return;
  std::string message = "json: cannot unmarshal " + std::string(value_desc);
  if (has_context_) {
    std::string path;
    for (const auto& name : field_stack_) {
      if (!path.empty()) path += '.';
      path += name;
    }
    message += " into Go struct field " + struct_name_ + "." + path;
  } else {
    message += " into Go value";
  }
  message += " of type " + std::string(go_type);
  error_ = std::move(message);
}

void GoJsonDecoder::save_error(std::string message) {
  if (!error_) error_ = std::move(message);
}

void GoJsonDecoder::abort(std::string message) {
  if (aborted_) return;
  error_ = std::move(message);
  aborted_ = true;
}

}  // namespace wgmesh::keys
