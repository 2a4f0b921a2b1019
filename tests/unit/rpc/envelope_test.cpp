#include "core/envelope.h"

#include <gtest/gtest.h>

#include "core/error_codes.h"

using namespace wgmesh::rpc;

namespace {

Request ok(std::string_view line) {
  ParsedRequest p = parse_request(line);
  EXPECT_TRUE(std::holds_alternative<Request>(p)) << line;
  return std::holds_alternative<Request>(p) ? std::get<Request>(p) : Request{};
}

RejectedRequest rejected(std::string_view line) {
  ParsedRequest p = parse_request(line);
  EXPECT_TRUE(std::holds_alternative<RejectedRequest>(p)) << line;
  return std::holds_alternative<RejectedRequest>(p) ? std::get<RejectedRequest>(p)
                                                    : RejectedRequest{};
}

}  // namespace

TEST(Envelope, ParsesARequest) {
  Request r = ok(R"({"jsonrpc":"2.0","method":"peers.get","params":{"pubkey":"k"},"id":3})");
  EXPECT_EQ(r.method, "peers.get");
  EXPECT_EQ(r.params, R"({"pubkey":"k"})");
  EXPECT_EQ(r.id, "3");
}

TEST(Envelope, AbsentOrNullParamsBecomeAnEmptyObjectAndAbsentIdNull) {
  EXPECT_EQ(ok(R"({"jsonrpc":"2.0","method":"m"})").params, "{}");
  EXPECT_EQ(ok(R"({"jsonrpc":"2.0","method":"m","params":null})").params, "{}");
  EXPECT_EQ(ok(R"({"jsonrpc":"2.0","method":"m"})").id, "null");
  EXPECT_EQ(ok(R"({"jsonrpc":"2.0","method":"m","id":null})").id, "null");
}

TEST(Envelope, IdsAreEchoedAsTheOriginalDid) {
  auto id = [](const char* v) {
    return ok(std::string(R"({"jsonrpc":"2.0","method":"m","id":)") + v + "}").id;
  };
  EXPECT_EQ(id("2"), "2");
  EXPECT_EQ(id("-7"), "-7");
  EXPECT_EQ(id("9007199254740993"), "9007199254740993") << "integers exactly (C++ improvement)";
  EXPECT_EQ(id("18446744073709551615"), "18446744073709551615");
  EXPECT_EQ(id("1.5"), "1.5");
  EXPECT_EQ(id("1.0"), "1");
  EXPECT_EQ(id("1e2"), "100");
  EXPECT_EQ(id("1e21"), "1e+21");
  EXPECT_EQ(id("1e-7"), "1e-7");
  EXPECT_EQ(id("0.000001"), "0.000001");
  EXPECT_EQ(id(R"("abc")"), R"("abc")");
  EXPECT_EQ(id("true"), "true");
  EXPECT_EQ(id(R"({"z":1,"a":{"y":2,"b":3},"z":4})"), R"({"a":{"b":3,"y":2},"z":4})")
      << "object keys sorted, last duplicate wins (Go map re-encoding)";
  EXPECT_EQ(id(R"([3,"x",null])"), R"([3,"x",null])");
}

TEST(Envelope, MemberNamesMatchCaseInsensitivelyLastWins) {
  Request r = ok(R"({"JsonRPC":"2.0","METHOD":"a","method":"b","Id":1,"PARAMS":{"x":1}})");
  EXPECT_EQ(r.method, "b");
  EXPECT_EQ(r.id, "1");
  EXPECT_EQ(r.params, R"({"x":1})");
  EXPECT_EQ(ok(R"({"jsonrpc":"2.0","method":"m","extra":[1,2]})").method, "m")
      << "unknown members ignored";
}

TEST(Envelope, ParseErrorsHaveIdNull) {
  for (const char* line :
       {"not json", "{", "[]", R"([{"jsonrpc":"2.0","method":"m","id":1}])", "42", R"("str")",
        "true", R"({"jsonrpc":2,"method":"m","id":1})", R"({"jsonrpc":"2.0","method":5,"id":1})",
        R"({"jsonrpc":"2.0","method":"m","params":[1,2],"id":1})",
        R"({"jsonrpc":"2.0","method":"m","params":"x","id":1})",
        R"({"jsonrpc":"2.0","method":"m","id":1} trailing)", "",
        "{\"jsonrpc\":\"2.0\",\"method\":\"\xff\",\"id\":1}", "{\"a\":\"\x01\"}"}) {
    RejectedRequest r = rejected(line);
    EXPECT_EQ(r.code, kParseError) << line;
    EXPECT_EQ(r.id, "null") << line;
    EXPECT_EQ(r.message.rfind("failed to parse request: ", 0), 0u) << r.message;
  }
  EXPECT_EQ(rejected("[1]").message, "failed to parse request: batch requests are not supported");
  // A byte-order mark (or a stray 0xEF) is not JSON, and neither is a NUL byte.
  EXPECT_EQ(rejected("\xEF{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":3}").code, kParseError);
  EXPECT_EQ(rejected("\xEF\xBB\xBF{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":3}").code,
            kParseError);
  EXPECT_EQ(rejected(std::string_view("{\"jsonrpc\":\"2.0\",\"method\":\"m\"}\0 ", 32)).message,
            "failed to parse request: NUL byte in input");
}

TEST(Envelope, VersionErrorsEchoTheId) {
  RejectedRequest r = rejected(R"({"jsonrpc":"1.0","method":"m","id":5})");
  EXPECT_EQ(r.code, kInvalidRequest);
  EXPECT_EQ(r.message, "invalid jsonrpc version, must be 2.0");
  EXPECT_EQ(r.id, "5");
  EXPECT_EQ(rejected(R"({"method":"m","id":"a"})").id, R"("a")");
  EXPECT_EQ(rejected(R"({"jsonrpc":null,"method":"m","id":1})").code, kInvalidRequest);
  RejectedRequest n = rejected("null");
  EXPECT_EQ(n.code, kInvalidRequest) << "a bare null decodes as an empty request in Go";
  EXPECT_EQ(n.id, "null");
}

TEST(Envelope, EmptyMethodIsNotFound) {
  RejectedRequest r = rejected(R"({"jsonrpc":"2.0","id":1})");
  EXPECT_EQ(r.code, kMethodNotFound);
  EXPECT_EQ(r.message, "method not found: ");
  EXPECT_EQ(rejected(R"({"jsonrpc":"2.0","method":"a\u0000b","id":1})").code, kMethodNotFound);
}

TEST(Envelope, ResponsesInTheOriginalMemberOrder) {
  EXPECT_EQ(result_response("2", R"({"pong":true})"),
            "{\"jsonrpc\":\"2.0\",\"result\":{\"pong\":true},\"id\":2}\n");
  EXPECT_EQ(error_response("null", -32700, "bad \"x\"\n"),
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"bad "
            "\\\"x\\\"\\n\"},\"id\":null}\n");
}

TEST(Envelope, DispatchResultsAreCheckedAndKeptOnOneLine) {
  EXPECT_EQ(response_from_dispatch("1", false, "{\n \"a\" : [1,\r\n2]\n}"),
            "{\"jsonrpc\":\"2.0\",\"result\":{ \"a\" : [1,2]},\"id\":1}\n");
  EXPECT_EQ(response_from_dispatch("1", false, "{\"a\":"),
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"internal error: method "
            "returned invalid JSON\"},\"id\":1}\n");
  EXPECT_EQ(response_from_dispatch("1", false, "\xEF[1]"),
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"internal error: method "
            "returned invalid JSON\"},\"id\":1}\n");
  EXPECT_EQ(response_from_dispatch("1", false, ""),
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"internal error: method "
            "returned invalid JSON\"},\"id\":1}\n");
  EXPECT_EQ(response_from_dispatch("1", true, R"({"message":"m","code":-32602})"),
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"m\"},\"id\":1}\n")
      << "error members re-ordered: code, then message";
  EXPECT_EQ(response_from_dispatch("1", true, R"({"code":"x"})"),
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"internal error: "
            "malformed error from method\"},\"id\":1}\n");
}

TEST(Envelope, GoFloatText) {
  EXPECT_EQ(go_float_text(0), "0");
  EXPECT_EQ(go_float_text(-2.5), "-2.5");
  EXPECT_EQ(go_float_text(0.1), "0.1");
  EXPECT_EQ(go_float_text(1e20), "100000000000000000000");
  EXPECT_EQ(go_float_text(1e21), "1e+21");
  EXPECT_EQ(go_float_text(1.5e300), "1.5e+300");
  EXPECT_EQ(go_float_text(1e-6), "0.000001");
  EXPECT_EQ(go_float_text(1.25e-7), "1.25e-7");
  EXPECT_EQ(go_float_text(1e-100), "1e-100");
}
