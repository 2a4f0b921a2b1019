// Building the peer report from a received announcement: resolve_lan endpoint, presence of
// every optional field kept exactly, Go's key matching rules.
#include "core/lan_report.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

using namespace wgmesh::lan;

namespace {

constexpr const char* kKey = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA=";

LanReport report(const std::string& payload, const std::string& source = "198.51.100.2") {
  LanReport out;
  std::string error;
  EXPECT_TRUE(build_lan_report(payload, source, out, error)) << error << "\n" << payload;
  return out;
}

std::string error_for(const std::string& payload) {
  LanReport out;
  std::string error;
  EXPECT_FALSE(build_lan_report(payload, "198.51.100.2", out, error)) << payload;
  return error;
}

}  // namespace

TEST(LanReport, MinimalGoAnnouncement) {
  // The upstream compat fixture's plaintext (discovery.md §15).
  auto r = report(
      R"({"protocol":"wgmesh-v1","wg_pubkey":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",)"
      R"("hostname":"compat-v1","mesh_ip":"10.42.0.7","wg_endpoint":"127.0.0.1:51820",)"
      R"("timestamp":1800000000})",
      "192.168.1.42");
  EXPECT_EQ(r.pubkey, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  EXPECT_EQ(r.json,
            R"({"wg_pubkey":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","hostname":"compat-v1",)"
            R"("mesh_ip":"10.42.0.7","mesh_ipv6":"","endpoint":"192.168.1.42:51820",)"
            R"("introducer":false,"routable_networks":[]})");
}

TEST(LanReport, EveryFieldCopiedInOrder) {
  auto r = report(std::string(R"({"protocol":"wgmesh-v1","wg_pubkey":")") + kKey +
                  R"(","hostname":"h","mesh_ip":"10.42.0.9","mesh_ipv6":"fd42::9",)"
                  R"("wg_endpoint":"203.0.113.5:51999","introducer":true,)"
                  R"("routable_networks":["192.168.7.0/24","10.9.0.0/16"],"timestamp":1,)"
                  R"("known_peers":[{"wg_pubkey":"x","mesh_ip":"192.0.2.1","wg_endpoint":""}],)"
                  R"("nat_type":"cone"})");
  EXPECT_EQ(r.json,
            std::string(R"({"wg_pubkey":")") + kKey +
                R"(","hostname":"h","mesh_ip":"10.42.0.9","mesh_ipv6":"fd42::9",)"
                R"("endpoint":"198.51.100.2:51999","introducer":true,)"
                R"("routable_networks":["192.168.7.0/24","10.9.0.0/16"],"nat_type":"cone"})")
      << "known_peers, timestamp and protocol are not part of the report";
}

// Go omits false/empty/"" fields, so in a first-hand announcement absence means "none": the
// report says so explicitly (a peer can drop its introducer role or withdraw its routes).
TEST(LanReport, AbsentFieldsMeanNone) {
  auto r = report(std::string(R"({"wg_pubkey":")") + kKey + R"("})");
  EXPECT_EQ(r.json, std::string(R"({"wg_pubkey":")") + kKey +
                        R"(","hostname":"","mesh_ipv6":"","endpoint":"198.51.100.2:51820",)"
                        R"("introducer":false,"routable_networks":[]})");
}

TEST(LanReport, PresentButEmptyFieldsArePresent) {
  // "Present and empty" withdraws in the host's store; it must not turn into "absent".
  auto r = report(std::string(R"({"wg_pubkey":")") + kKey +
                  R"(","hostname":"","mesh_ipv6":"","introducer":false,"routable_networks":[],)"
                  R"("nat_type":""})");
  EXPECT_EQ(r.json, std::string(R"({"wg_pubkey":")") + kKey +
                        R"(","hostname":"","mesh_ipv6":"","endpoint":"198.51.100.2:51820",)"
                        R"("introducer":false,"routable_networks":[],"nat_type":""})");
}

TEST(LanReport, EndpointIsAlwaysTheLanSource) {
  auto with = [](const char* ep) {
    return std::string(R"({"wg_pubkey":")") + kKey + R"(","wg_endpoint":")" + ep + R"("})";
  };
  EXPECT_NE(report(with("203.0.113.9:51820"), "192.168.1.42")
                .json.find(R"("endpoint":"192.168.1.42:51820")"),
            std::string::npos);
  EXPECT_NE(
      report(with("0.0.0.0:51820"), "192.168.1.42").json.find(R"("endpoint":"192.168.1.42:51820")"),
      std::string::npos);
  EXPECT_NE(report(with("garbage"), "192.168.1.42").json.find(R"("endpoint":"192.168.1.42:51820")"),
            std::string::npos);
  EXPECT_NE(report(with("[2001:db8::1]:40000"), "192.168.1.42")
                .json.find(R"("endpoint":"192.168.1.42:40000")"),
            std::string::npos);
}

TEST(LanReport, NoSenderAndNoUsableEndpointOmitsEndpoint) {
  auto r = report(std::string(R"({"wg_pubkey":")") + kKey + R"(","wg_endpoint":"x"})", "");
  EXPECT_EQ(r.json.find("endpoint"), std::string::npos);
  r = report(std::string(R"({"wg_pubkey":")") + kKey + R"(","wg_endpoint":"203.0.113.1:5"})", "");
  EXPECT_NE(r.json.find(R"("endpoint":"203.0.113.1:5")"), std::string::npos);
}

TEST(LanReport, KeysMatchCaseInsensitivelyLikeGo) {
  auto r =
      report(std::string(R"({"WG_PUBKEY":")") + kKey +
             R"(","HostName":"h","Mesh_IP":"10.1.1.1","INTRODUCER":true,"Nat_Type":"symmetric"})");
  EXPECT_EQ(r.pubkey, kKey);
  EXPECT_EQ(r.json, std::string(R"({"wg_pubkey":")") + kKey +
                        R"(","hostname":"h","mesh_ip":"10.1.1.1","mesh_ipv6":"","endpoint":"198.51.100.2:51820",)"
                        R"("introducer":true,"routable_networks":[],"nat_type":"symmetric"})");
}

TEST(LanReport, UnicodeFoldingOfKelvinAndLongS) {
  // Go's bytes.EqualFold: U+212A KELVIN SIGN folds to 'k', U+017F LONG S to 's'.
  EXPECT_TRUE(
      go_key_matches("wg_pub\xe2\x84\xaa"
                     "ey",
                     "wg_pubkey"));
  EXPECT_TRUE(go_key_matches("ho\xc5\xbftname", "hostname"));
  EXPECT_TRUE(go_key_matches("HOSTNAME", "hostname"));
  EXPECT_FALSE(go_key_matches("hostnam", "hostname"));
  EXPECT_FALSE(go_key_matches("hostnamee", "hostname"));
  EXPECT_FALSE(go_key_matches("h\xc3\xb6stname", "hostname"));
  EXPECT_FALSE(go_key_matches("ho\xc1\xb3tname", "hostname")) << "overlong 's' is not 's'";
  EXPECT_FALSE(go_key_matches("hostname\xe2", "hostname"));
  EXPECT_FALSE(go_key_matches("", "hostname"));
  auto r = report(std::string("{\"wg_pub\\u212aey\":\"") + kKey + "\"}");
  EXPECT_EQ(r.pubkey, kKey);
}

TEST(LanReport, LastDuplicateWinsAndNullKeepsStrings) {
  auto r =
      report(std::string(R"({"wg_pubkey":"first","hostname":"a","HOSTNAME":"b","wg_pubkey":")") +
             kKey + R"(","mesh_ip":"10.0.0.1","mesh_ip":null})");
  EXPECT_EQ(r.pubkey, kKey);
  EXPECT_NE(r.json.find(R"("hostname":"b")"), std::string::npos);
  EXPECT_NE(r.json.find(R"("mesh_ip":"10.0.0.1")"), std::string::npos)
      << "Go: null leaves a string field untouched";
}

TEST(LanReport, NullMeansNone) {
  auto r = report(std::string(R"({"wg_pubkey":")") + kKey +
                  R"(","routable_networks":["10.0.0.0/8"],"routable_networks":null,)"
                  R"("hostname":null,"introducer":null,"nat_type":null})");
  EXPECT_EQ(r.json, std::string(R"({"wg_pubkey":")") + kKey +
                        R"(","hostname":"","mesh_ipv6":"","endpoint":"198.51.100.2:51820",)"
                        R"("introducer":false,"routable_networks":[]})");
}

TEST(LanReport, EscapedStringsRoundTrip) {
  auto r =
      report(std::string(R"({"wg_pubkey":")") + kKey + R"(","hostname":"a\u003cb\u0026c\"d"})");
  rapidjson::Document doc;
  doc.Parse(r.json.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["hostname"].GetString(), "a<b&c\"d");
}

TEST(LanReport, WrongTypesRejectTheAnnouncement) {
  std::string k = std::string(R"({"wg_pubkey":")") + kKey + "\",";
  EXPECT_EQ(error_for(k + R"("hostname":5})"), "announcement: 'hostname' is not a string");
  EXPECT_EQ(error_for(k + R"("introducer":"yes"})"), "announcement: 'introducer' is not a boolean");
  EXPECT_EQ(error_for(k + R"("routable_networks":"10.0.0.0/8"})"),
            "announcement: 'routable_networks' is not an array");
  EXPECT_EQ(error_for(k + R"("routable_networks":[1]})"),
            "announcement: 'routable_networks' holds a non-string");
  EXPECT_EQ(error_for(k + R"("wg_endpoint":{}})"), "announcement: 'wg_endpoint' is not a string");
  EXPECT_EQ(error_for(R"({"wg_pubkey":7})"), "announcement: 'wg_pubkey' is not a string");
}

TEST(LanReport, MissingPubkeyOrNotAnObject) {
  EXPECT_EQ(error_for(R"({"hostname":"h"})"), "announcement: no wg_pubkey");
  EXPECT_EQ(error_for(R"({"wg_pubkey":""})"), "announcement: no wg_pubkey");
  EXPECT_EQ(error_for("[]"), "announcement: not a JSON object");
  EXPECT_EQ(error_for(""), "announcement: not a JSON object");
  EXPECT_EQ(error_for(R"({"wg_pubkey":"k"} trailing)"), "announcement: not a JSON object");
}

TEST(PubkeyOf, ReadsTheLocalNode) {
  EXPECT_EQ(pubkey_of(R"({"wg_pubkey":"abc","mesh_ip":"x"})"), "abc");
  EXPECT_EQ(pubkey_of(R"({"wg_pubkey":1})"), "");
  EXPECT_EQ(pubkey_of("nope"), "");
}
