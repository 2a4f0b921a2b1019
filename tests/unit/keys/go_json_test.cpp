// The Go-compatible JSON reader and writer (crypto.md §6.3, §13.5). The expected texts are
// what Go 1.19's encoding/json produces for the same input.
#include "keys/go_json.h"

#include <gtest/gtest.h>

#include "keys/go_json_decode.h"
#include "keys/go_json_encode.h"

namespace wgmesh::keys {
namespace {

std::string syntax(std::string_view json) {
  auto r = parse_go_json(json);
  return r.ok() ? "ok" : r.message();
}

TEST(GoJsonParse, SyntaxErrorsUseGosTexts) {
  EXPECT_EQ(syntax(""), "unexpected end of JSON input");
  EXPECT_EQ(syntax("{\"a\":"), "unexpected end of JSON input");
  EXPECT_EQ(syntax("x"), "invalid character 'x' looking for beginning of value");
  EXPECT_EQ(syntax("{} x"), "invalid character 'x' after top-level value");
  EXPECT_EQ(syntax("{\"a\" 1}"), "invalid character '1' after object key");
  EXPECT_EQ(syntax("{\"a\":1 2}"), "invalid character '2' after object key:value pair");
  EXPECT_EQ(syntax("[1 2]"), "invalid character '2' after array element");
  EXPECT_EQ(syntax("{,}"), "invalid character ',' looking for beginning of object key string");
  EXPECT_EQ(syntax("[1,]"), "invalid character ']' looking for beginning of value");
  EXPECT_EQ(syntax("1."), "invalid character ' ' after decimal point in numeric literal");
  EXPECT_EQ(syntax("-"), "invalid character ' ' in numeric literal");
  EXPECT_EQ(syntax("1e+"), "invalid character ' ' in exponent of numeric literal");
  EXPECT_EQ(syntax("tru"), "invalid character ' ' in literal true (expecting 'e')");
  EXPECT_EQ(syntax("nul!"), "invalid character '!' in literal null (expecting 'l')");
  EXPECT_EQ(syntax("\"\\x\""), "invalid character 'x' in string escape code");
  EXPECT_EQ(syntax("\"\\u12g4\""), "invalid character 'g' in \\u hexadecimal character escape");
  EXPECT_EQ(syntax("\"a\nb\""), "invalid character '\\n' in string literal");
  EXPECT_EQ(syntax("{'a':1}"),
            "invalid character '\\'' looking for beginning of object key string");
  EXPECT_EQ(syntax("\xc3\xa9"), "invalid character '\u00c3' looking for beginning of value");
  EXPECT_EQ(syntax(std::string("{}\0", 3)), "invalid character '\\x00' after top-level value");
  EXPECT_EQ(syntax("01"), "invalid character '1' after top-level value");
  EXPECT_EQ(syntax(" [1, -0.5e-3, true, false, null, \"x\", {}] "), "ok");
}

TEST(GoJsonParse, NestingLimitIsGos) {
  const std::string ok = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_EQ(syntax(ok), "ok");
  const std::string too_deep = std::string(10001, '[') + std::string(10001, ']');
  EXPECT_EQ(syntax(too_deep), "invalid character '[' exceeded max depth");
  // Destroying a deep tree must not recurse once per level.
  auto deep = parse_go_json(ok);
  ASSERT_TRUE(deep.ok());
}

TEST(GoJsonParse, StringsAreUnescapedLikeGo) {
  auto v = parse_go_json(
      "[\"\\u0041\\u00e9\\ud83d\\ude00\", \"\\ud800x\", \"\\udc00\\udc00\", \"\xff\", \"\\/\"]");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->items[0].text, "A\u00e9\U0001F600");
  EXPECT_EQ(v->items[1].text, "\uFFFDx");       // lone high surrogate
  EXPECT_EQ(v->items[2].text, "\uFFFD\uFFFD");  // lone low surrogates
  EXPECT_EQ(v->items[3].text, "\uFFFD");        // invalid UTF-8
  EXPECT_EQ(v->items[4].text, "/");
}

TEST(GoJsonDecode, CaseInsensitiveKeysWithGosSpecialFolds) {
  EXPECT_TRUE(go_json_key_matches("wg_pubkey", "wg_pubkey"));
  EXPECT_TRUE(go_json_key_matches("wg_pubkey", "WG_PUBKEY"));
  EXPECT_TRUE(go_json_key_matches("wg_pubkey", "wg_pub\u212Aey"));  // KELVIN SIGN
  EXPECT_TRUE(go_json_key_matches("timestamp", "time\u017Ftamp"));  // LONG S
  EXPECT_FALSE(go_json_key_matches("wg_pubkey", "wg-pubkey"));
  EXPECT_FALSE(go_json_key_matches("nonce", "nonc"));
  EXPECT_FALSE(go_json_key_matches("type", "typ\u212A"));
}

struct Pair {
  std::string name;
  int64_t count = 0;
  GoSlice<std::string> tags;
};

std::string decode_pair(std::string_view json, Pair& p) {
  auto doc = parse_go_json(json);
  if (!doc.ok()) return doc.message();
  GoJsonDecoder d;
  d.decode_struct(*doc, "Pair", "test.Pair",
                  {{"name", [&](const JsonValue& x) { d.decode_string(x, p.name); }},
                   {"count", [&](const JsonValue& x) { d.decode_int64(x, p.count); }},
                   {"tags", [&](const JsonValue& x) {
                      d.decode_slice<std::string>(
                          x, p.tags, "[]string",
                          [&](const JsonValue& e, std::string& s) { d.decode_string(e, s); });
                    }}});
  return d.failed() ? d.error() : "ok";
}

TEST(GoJsonDecode, NullDuplicatesAndFirstErrorSemantics) {
  Pair p;
  EXPECT_EQ(decode_pair(R"({"name":"a","NAME":"b","name":null,"count":-0,"x":[1e400]})", p), "ok");
  EXPECT_EQ(p.name, "b");  // last wins; null leaves the string alone
  EXPECT_EQ(p.count, 0);
  Pair q;
  EXPECT_EQ(decode_pair(R"({"count":"1","name":5,"count":1.5})", q),
            "json: cannot unmarshal string into Go struct field Pair.count of type int64");
  Pair r;
  EXPECT_EQ(decode_pair(R"({"count":9223372036854775808})", r),
            "json: cannot unmarshal number 9223372036854775808 into Go struct field Pair.count "
            "of type int64");
  Pair s;
  EXPECT_EQ(decode_pair("[1]", s), "json: cannot unmarshal array into Go value of type test.Pair");
  Pair t;
  EXPECT_EQ(decode_pair(R"({"tags":["a","b","c"],"tags":["x",null]})", t), "ok");
  EXPECT_EQ(t.tags.values(), (std::vector<std::string>{"x", "b"}));  // Go reuses the array
  Pair u;
  EXPECT_EQ(decode_pair(R"({"tags":["a"],"tags":null})", u), "ok");
  EXPECT_TRUE(u.tags.values().empty());
}

TEST(GoJsonDecode, BytesAcceptBase64OrNumberArrays) {
  auto decode = [](std::string_view json) {
    auto doc = parse_go_json(json);
    GoJsonDecoder d;
    GoSlice<uint8_t> out;
    d.decode_bytes(*doc, out);
    if (d.failed()) return d.error();
    const Bytes bytes = out.values();
    return std::string(bytes.begin(), bytes.end());
  };
  EXPECT_EQ(decode("\"YWJj\""), "abc");
  EXPECT_EQ(decode("\"YW\\r\\nJj\""), "abc");
  EXPECT_EQ(decode("[97,98,99]"), "abc");
  EXPECT_EQ(decode("\"YWJ\""), "illegal base64 data at input byte 0");
  EXPECT_EQ(decode("[256]"), "json: cannot unmarshal number 256 into Go value of type uint8");
  EXPECT_EQ(decode("{}"), "json: cannot unmarshal object into Go value of type []uint8");
  EXPECT_EQ(decode("null"), "");
}

TEST(GoJsonWriter, CompactOutputWithGoEscaping) {
  GoJsonWriter w;
  w.begin_object()
      .key("a")
      .string("<&>\"\\\n\r\t\x01\x7f\u2028\u00e9")
      .key("b")
      .begin_array()
      .integer(-5)
      .boolean(true)
      .null()
      .begin_object()
      .end_object()
      .end_array()
      .key("c")
      .raw("{}")
      .end_object();
  EXPECT_EQ(w.str(),
            "{\"a\":\"\\u003c\\u0026\\u003e\\\"\\\\\\n\\r\\t\\u0001\x7f\\u2028\u00e9\","
            "\"b\":[-5,true,null,{}],\"c\":{}}");
  std::string s;
  append_go_json_string(s, "\xff\xfe");
  EXPECT_EQ(s, "\"\\ufffd\\ufffd\"");
}

}  // namespace
}  // namespace wgmesh::keys
