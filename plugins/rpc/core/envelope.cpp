#include "core/envelope.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <strings.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "core/error_codes.h"

namespace wgmesh::rpc {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Invalid UTF-8 is refused at parse time: whatever we echo back must be valid JSON text.
constexpr unsigned kParseFlags = rapidjson::kParseValidateEncodingFlag;

bool name_is(const rapidjson::Value& name, const char* want) {
  return name.GetStringLength() == std::strlen(want) && ::strcasecmp(name.GetString(), want) == 0;
}

// Writes a value as Go's encoder would after decoding it into interface{}: object keys
// sorted, numbers as float64 — except that integers are kept exact (spec §7.4 "Compat").
void write_go_value(const rapidjson::Value& v, Writer& w) {
  switch (v.GetType()) {
    case rapidjson::kObjectType: {
      std::vector<const rapidjson::Value::Member*> members;
      for (const auto& m : v.GetObject()) members.push_back(&m);
      std::stable_sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
        return std::string_view(a->name.GetString(), a->name.GetStringLength()) <
               std::string_view(b->name.GetString(), b->name.GetStringLength());
      });
      // Go keeps the last of duplicate keys.
      w.StartObject();
      for (size_t i = 0; i < members.size(); ++i) {
        if (i + 1 < members.size() && members[i]->name == members[i + 1]->name) continue;
        w.Key(members[i]->name.GetString(), members[i]->name.GetStringLength());
        write_go_value(members[i]->value, w);
      }
      w.EndObject();
      break;
    }
    case rapidjson::kArrayType:
      w.StartArray();
      for (const auto& e : v.GetArray()) write_go_value(e, w);
      w.EndArray();
      break;
    case rapidjson::kNumberType:
      if (v.IsInt64()) {
        w.Int64(v.GetInt64());
      } else if (v.IsUint64()) {
        w.Uint64(v.GetUint64());
      } else {
        std::string text = go_float_text(v.GetDouble());
        w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
      }
      break;
    default:
      v.Accept(w);
      break;
  }
}

std::string to_go_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  write_go_value(v, w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string compact(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string json_string(std::string_view s) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

RejectedRequest parse_error(std::string detail) {
  return RejectedRequest{kParseError, "failed to parse request: " + detail, "null"};
}

const char* type_name(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "boolean";
    case rapidjson::kObjectType:
      return "object";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kStringType:
      return "string";
    case rapidjson::kNumberType:
      return "number";
  }
  return "value";
}

// Drops the line breaks a pretty-printing method may have put in its result. In valid JSON
// a raw '\n' or '\r' can only be whitespace (control characters inside strings must be
// escaped, and RapidJSON rejects them), so removing them never changes the value.
// Parses `text` as exactly one JSON value, working around two RapidJSON traps (both found
// by fuzzing): the length-bounded Parse(ptr, len) reads through EncodedInputStream, which
// silently skips a leading (even partial) UTF-8 byte-order mark, so "\xEF{...}" passed as
// valid; and the NUL-terminated Parse(str) with encoding validation reads past the
// terminator on a truncated multi-byte sequence. So: the bounded parse, after refusing a
// leading 0xEF (no JSON text starts with it) and any NUL byte (never valid in JSON text, and
// the bounded reader would take it for the end of input).
std::string parse_exact(std::string_view text, rapidjson::Document& doc) {
  if (text.find('\0') != std::string_view::npos) return "NUL byte in input";
  if (!text.empty() && static_cast<unsigned char>(text.front()) == 0xEF)
    return "Invalid value. (at byte 0)";
  doc.Parse<kParseFlags>(text.data(), text.size());
  if (!doc.HasParseError()) return {};
  return std::string(rapidjson::GetParseError_En(doc.GetParseError())) + " (at byte " +
         std::to_string(doc.GetErrorOffset()) + ")";
}

std::string single_line(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json)
    if (c != '\n' && c != '\r') out.push_back(c);
  return out;
}

}  // namespace

std::string go_float_text(double value) {
  if (!std::isfinite(value)) return "null";  // cannot come from JSON text; be safe anyway
  char buf[64];
  double abs = std::fabs(value);
  // Go: 'f' format unless the exponent is < -6 or >= 21, then 'e'; shortest round-trip.
  bool exp = abs != 0 && (abs < 1e-6 || abs >= 1e21);
  auto res = std::to_chars(buf, buf + sizeof buf, value,
                           exp ? std::chars_format::scientific : std::chars_format::fixed);
  std::string out(buf, res.ptr);
  if (exp) {
    // Go cleans "e-07" to "e-7" (negative exponents only; positive ones are >= 21 here).
    size_t n = out.size();
    if (n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0') out.erase(n - 2, 1);
  }
  return out;
}

ParsedRequest parse_request(std::string_view line) {
  if (line.empty()) return parse_error("empty request");
  rapidjson::Document doc;
  if (std::string detail = parse_exact(line, doc); !detail.empty()) return parse_error(detail);
  // A bare `null` decodes into an empty request in Go: no version, so -32600.
  if (doc.IsNull())
    return RejectedRequest{kInvalidRequest, "invalid jsonrpc version, must be 2.0", "null"};
  if (doc.IsArray()) return parse_error("batch requests are not supported");
  if (!doc.IsObject())
    return parse_error(std::string("request must be an object, not ") + type_name(doc));

  const rapidjson::Value* jsonrpc = nullptr;
  const rapidjson::Value* method = nullptr;
  const rapidjson::Value* params = nullptr;
  const rapidjson::Value* id = nullptr;
  for (const auto& m : doc.GetObject()) {
    const rapidjson::Value& v = m.value;
    if (name_is(m.name, "jsonrpc")) {
      if (!v.IsNull() && !v.IsString()) return parse_error("'jsonrpc' must be a string");
      if (!v.IsNull()) jsonrpc = &v;
    } else if (name_is(m.name, "method")) {
      if (!v.IsNull() && !v.IsString()) return parse_error("'method' must be a string");
      if (!v.IsNull()) method = &v;
    } else if (name_is(m.name, "params")) {
      if (!v.IsNull() && !v.IsObject()) return parse_error("'params' must be an object");
      params = v.IsNull() ? nullptr : &v;
    } else if (name_is(m.name, "id")) {
      id = &v;  // any value; null echoes as null
    }
  }
  std::string id_json = id ? to_go_json(*id) : "null";
  if (!jsonrpc || std::string_view(jsonrpc->GetString(), jsonrpc->GetStringLength()) != "2.0")
    return RejectedRequest{kInvalidRequest, "invalid jsonrpc version, must be 2.0", id_json};
  Request req;
  if (method) req.method.assign(method->GetString(), method->GetStringLength());
  if (req.method.empty() || req.method.find('\0') != std::string::npos)
    return RejectedRequest{kMethodNotFound, "method not found: " + req.method, id_json};
  req.params = params ? compact(*params) : "{}";
  req.id = std::move(id_json);
  return req;
}

std::string result_response(std::string_view id_json, std::string_view result_json) {
  std::string out;
  out.reserve(result_json.size() + id_json.size() + 32);
  out.append(R"({"jsonrpc":"2.0","result":)").append(result_json);
  out.append(R"(,"id":)").append(id_json).append("}\n");
  return out;
}

std::string error_response(std::string_view id_json, int code, std::string_view message) {
  std::string out;
  out.append(R"({"jsonrpc":"2.0","error":{"code":)").append(std::to_string(code));
  out.append(R"(,"message":)").append(json_string(message));
  out.append(R"(},"id":)").append(id_json).append("}\n");
  return out;
}

std::string response_from_dispatch(std::string_view id_json, bool is_error, std::string_view json) {
  rapidjson::Document doc;
  if (!parse_exact(json, doc).empty())
    return error_response(id_json, kInternalError, "internal error: method returned invalid JSON");
  if (!is_error) return result_response(id_json, single_line(json));
  if (doc.IsObject()) {
    auto code = doc.FindMember("code");
    auto message = doc.FindMember("message");
    if (code != doc.MemberEnd() && code->value.IsInt() && message != doc.MemberEnd() &&
        message->value.IsString())
      return error_response(
          id_json, code->value.GetInt(),
          std::string_view(message->value.GetString(), message->value.GetStringLength()));
  }
  return error_response(id_json, kInternalError, "internal error: malformed error from method");
}

}  // namespace wgmesh::rpc
