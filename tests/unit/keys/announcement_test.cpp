// PeerAnnouncement serialisation, decoding and validation (crypto.md §6.5, §6.6; §11
// "Envelope" accept/reject lists).
#include "keys/announcement.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "keys/announcement_validation.h"
#include "keys/encoding.h"

namespace wgmesh::keys {
namespace {

constexpr std::string_view kKeyA = "35VcJ4vOc15vdCi2WaUniV8r4nq6kuzgoj2vEbyWxFY=";
constexpr std::string_view kKeyB = "bQ7JLSjGSaCjNjSMNAkLvwXwSGwYofdcw7qwOqFIn3o=";

PeerAnnouncement minimal() {
  PeerAnnouncement a;
  a.wg_pubkey = kKeyA;
  a.mesh_ip = "10.42.0.7";
  a.wg_endpoint = "203.0.113.5:51820";
  a.timestamp = 1800000000;
  return a;
}

KnownPeer valid_peer() {
  KnownPeer p;
  p.wg_pubkey = kKeyB;
  p.mesh_ip = "10.42.1.1";
  p.wg_endpoint = "198.51.100.7:51820";
  return p;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

TEST(AnnouncementJson, GoFieldOrderAndOmissionRules) {
  EXPECT_EQ(announcement_to_json(minimal()),
            "{\"protocol\":\"wgmesh-v1\",\"wg_pubkey\":\"" + std::string(kKeyA) +
                "\",\"mesh_ip\":\"10.42.0.7\",\"wg_endpoint\":\"203.0.113.5:51820\","
                "\"timestamp\":1800000000}");
  PeerAnnouncement a = minimal();
  a.hostname = "h";
  a.mesh_ipv6 = "fd00::1";
  a.introducer = true;
  a.routable_networks = {"10.1.0.0/16"};
  a.known_peers = {valid_peer()};
  a.observed_endpoint = "1.2.3.4:5";
  a.nat_type = "cone";
  a.wg_endpoint.clear();
  EXPECT_EQ(announcement_to_json(a),
            "{\"protocol\":\"wgmesh-v1\",\"wg_pubkey\":\"" + std::string(kKeyA) +
                "\",\"hostname\":\"h\",\"mesh_ip\":\"10.42.0.7\",\"mesh_ipv6\":\"fd00::1\","
                "\"wg_endpoint\":\"\",\"introducer\":true,\"routable_networks\":[\"10.1.0.0/16\"],"
                "\"timestamp\":1800000000,\"known_peers\":[{\"wg_pubkey\":\"" +
                std::string(kKeyB) +
                "\",\"mesh_ip\":\"10.42.1.1\",\"wg_endpoint\":\"198.51.100.7:51820\"}],"
                "\"observed_endpoint\":\"1.2.3.4:5\",\"nat_type\":\"cone\"}");
}

TEST(AnnouncementJson, GoHtmlEscaping) {
  PeerAnnouncement a = minimal();
  a.hostname = "a<b>&c";
  a.nat_type = "x\u2028\x01\xff";
  const std::string json = announcement_to_json(a);
  EXPECT_NE(json.find("\"hostname\":\"a\\u003cb\\u003e\\u0026c\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"nat_type\":\"x\\u2028\\u0001\\ufffd\""), std::string::npos) << json;
}

TEST(AnnouncementDecode, RoundTripUnknownFieldsKeyOrderWhitespaceAndEscapes) {
  PeerAnnouncement a = minimal();
  a.known_peers = {valid_peer()};
  EXPECT_EQ(*decode_announcement(announcement_to_json(a)), a);
  auto decoded = decode_announcement(
      " {\n \"timestamp\" : 1800000000 , \"mesh_ip\":\"10.42.0.7\",\"extra\":{\"x\":[1,2]},"
      "\"wg_endpoint\":\"203.0.113.5:51820\",\"wg_pubkey\":\"" +
      std::string(kKeyA) + "\",\"\\u0070rotocol\":\"wgmesh\\u002dv1\"}\t");
  ASSERT_TRUE(decoded.ok()) << decoded.message();
  EXPECT_EQ(*decoded, minimal());
}

TEST(AnnouncementDecode, TimestampMustBeAPlainInteger) {
  for (std::string_view ts : {"1.8e9", "1800000000.0", "\"1800000000\"", "9223372036854775808"}) {
    auto decoded = decode_announcement("{\"timestamp\":" + std::string(ts) + "}");
    ASSERT_FALSE(decoded.ok()) << ts;
    EXPECT_NE(decoded.message().find("Go struct field PeerAnnouncement.timestamp of type int64"),
              std::string::npos)
        << decoded.message();
  }
  EXPECT_EQ(decode_announcement("{\"timestamp\":-0}")->timestamp, 0);
}

// §11: announcement validation accepts...
TEST(AnnouncementValidation, AcceptList) {
  std::vector<std::pair<std::string, PeerAnnouncement>> cases;
  cases.emplace_back("minimal", minimal());
  auto with = [&](std::string name, auto mutate) {
    PeerAnnouncement a = minimal();
    mutate(a);
    cases.emplace_back(std::move(name), std::move(a));
  };
  with("routable networks", [](auto& a) {
    a.routable_networks = {"192.168.1.0/24", "10.1.0.0/16"};
  });
  with("hostname", [](auto& a) { a.hostname = "node-1.example.com"; });
  with("known peer", [](auto& a) { a.known_peers = {valid_peer()}; });
  with("ipv6 mesh ip", [](auto& a) { a.mesh_ip = "2001:db8::1"; });
  with("empty endpoint", [](auto& a) { a.wg_endpoint = ""; });
  with("ipv6 endpoint", [](auto& a) { a.wg_endpoint = "[::1]:51820"; });
  with("port 65535", [](auto& a) { a.wg_endpoint = "1.2.3.4:65535"; });
  with("signed port", [](auto& a) { a.wg_endpoint = "1.2.3.4:+80"; });
  with("empty host", [](auto& a) { a.wg_endpoint = ":51820"; });
  with("100 networks", [](auto& a) { a.routable_networks.assign(100, "10.0.0.0/8"); });
  with("253-byte hostname", [](auto& a) { a.hostname = std::string(253, 'h'); });
  with("leading-zero CIDR length", [](auto& a) { a.routable_networks = {"10.0.0.0/08"}; });
  with("pubkey with newline", [](auto& a) {
    a.wg_pubkey = std::string(kKeyA.substr(0, 20)) + "\n" + std::string(kKeyA.substr(20));
  });
  for (const auto& [name, a] : cases) {
    EXPECT_TRUE(validate_announcement(a).ok())
        << name << ": " << validate_announcement(a).message();
  }
}

// §11: ...and rejects with the field name in the message.
TEST(AnnouncementValidation, RejectList) {
  struct Case {
    std::string name;
    std::function<void(PeerAnnouncement&)> mutate;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"empty pubkey", [](auto& a) { a.wg_pubkey = ""; }, "WGPubKey"},
      {"non-base64 pubkey", [](auto& a) { a.wg_pubkey = "not base64!"; }, "WGPubKey"},
      {"16-byte pubkey", [](auto& a) { a.wg_pubkey = base64_encode(Bytes(16, 1)); }, "WGPubKey"},
      {"empty mesh ip", [](auto& a) { a.mesh_ip = ""; }, "MeshIP"},
      {"not-an-ip", [](auto& a) { a.mesh_ip = "not-an-ip"; }, "MeshIP"},
      {"CIDR mesh ip", [](auto& a) { a.mesh_ip = "10.0.0.1/24"; }, "MeshIP"},
      {"leading zero", [](auto& a) { a.mesh_ip = "010.0.0.1"; }, "MeshIP"},
      {"no port", [](auto& a) { a.wg_endpoint = "1.2.3.4"; }, "WGEndpoint"},
      {"port 0", [](auto& a) { a.wg_endpoint = "1.2.3.4:0"; }, "WGEndpoint"},
      {"port 70000", [](auto& a) { a.wg_endpoint = "1.2.3.4:70000"; }, "WGEndpoint"},
      {"port 65536", [](auto& a) { a.wg_endpoint = "1.2.3.4:65536"; }, "WGEndpoint"},
      {"bad CIDR", [](auto& a) { a.routable_networks = {"not-a-cidr"}; }, "RoutableNetworks"},
      {"bare IP", [](auto& a) { a.routable_networks = {"10.0.0.1"}; }, "RoutableNetworks"},
      {"101 networks", [](auto& a) { a.routable_networks.assign(101, "10.0.0.0/8"); },
       "RoutableNetworks"},
      {"254-byte hostname", [](auto& a) { a.hostname = std::string(254, 'h'); }, "hostname"},
      {"NUL in hostname", [](auto& a) { a.hostname = std::string("a\0b", 3); }, "hostname"},
      {"0x01 in hostname", [](auto& a) { a.hostname = "a\x01"; }, "hostname"},
      {"known peer pubkey",
       [](auto& a) {
         a.known_peers = {valid_peer()};
         a.known_peers[0].wg_pubkey = "x";
       },
       "KnownPeers[0]"},
      {"known peer mesh ip",
       [](auto& a) {
         a.known_peers = {valid_peer()};
         a.known_peers[0].mesh_ip = "x";
       },
       "KnownPeers[0]"},
      {"known peer hostname",
       [](auto& a) {
         a.known_peers = {valid_peer()};
         a.known_peers[0].hostname = std::string(254, 'x');
       },
       "KnownPeers[0]"},
      {"1001 known peers", [](auto& a) { a.known_peers.assign(1001, valid_peer()); }, "KnownPeers"},
  };
  for (const auto& c : cases) {
    PeerAnnouncement a = minimal();
    c.mutate(a);
    const Status st = validate_announcement(a);
    ASSERT_FALSE(st.ok()) << c.name;
    EXPECT_NE(lower(st.message()).find(lower(c.field)), std::string::npos)
        << c.name << ": " << st.message();
  }
}

TEST(AnnouncementValidation, GoErrorTexts) {
  PeerAnnouncement a = minimal();
  a.mesh_ip = "not-an-ip";
  EXPECT_EQ(validate_announcement(a).message(), "MeshIP: invalid IP address: \"not-an-ip\"");
  a = minimal();
  a.wg_endpoint = "1.2.3.4:abc";
  EXPECT_EQ(validate_announcement(a).message(),
            "WGEndpoint: invalid port: strconv.Atoi: parsing \"abc\": invalid syntax");
  a.wg_endpoint = "::1:51820";
  EXPECT_EQ(validate_announcement(a).message(),
            "WGEndpoint: invalid host:port: address ::1:51820: too many colons in address");
  a = minimal();
  a.hostname = "a\tb";
  EXPECT_EQ(validate_announcement(a).message(),
            "Hostname: hostname contains invalid character at position 1 (byte 0x09)");
  a = minimal();
  a.routable_networks = {"10.0.0.0/8", "x"};
  EXPECT_EQ(validate_announcement(a).message(),
            "RoutableNetworks[1]: invalid CIDR \"x\": invalid CIDR address: x");
  a = minimal();
  a.wg_pubkey = base64_encode(Bytes(16, 1));
  EXPECT_EQ(validate_announcement(a).message(), "WGPubKey: decoded length 16, want 32");
}

TEST(KnownPeerValidation, Alone) {
  KnownPeer p = valid_peer();
  EXPECT_TRUE(validate_known_peer(p).ok());
  p.wg_endpoint.clear();
  EXPECT_TRUE(validate_known_peer(p).ok());
  p.hostname = "peer.example";
  EXPECT_TRUE(validate_known_peer(p).ok());
  KnownPeer bad = valid_peer();
  bad.wg_pubkey.clear();
  EXPECT_EQ(validate_known_peer(bad).message(), "WGPubKey: empty key");
  bad = valid_peer();
  bad.mesh_ip = "bad";
  EXPECT_NE(validate_known_peer(bad).message().find("MeshIP"), std::string::npos);
  bad = valid_peer();
  bad.hostname = std::string(254, 'h');
  EXPECT_NE(validate_known_peer(bad).message().find("Hostname"), std::string::npos);
  bad.hostname = "\x7f";
  EXPECT_NE(validate_known_peer(bad).message().find("Hostname"), std::string::npos);
}

TEST(AnnouncementValidation, DropInvalidKnownPeersKeepsTheRest) {
  PeerAnnouncement a = minimal();
  KnownPeer bad = valid_peer();
  bad.mesh_ip = "bad";
  a.known_peers = {valid_peer(), bad, valid_peer()};
  std::vector<std::string> dropped;
  ASSERT_TRUE(validate_announcement_dropping_invalid_peers(a, &dropped).ok());
  EXPECT_EQ(a.known_peers.size(), 2u);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0], "KnownPeers[1]: MeshIP: invalid IP address: \"bad\"");
  // The announcing peer itself is still validated strictly.
  a.mesh_ip = "bad";
  EXPECT_FALSE(validate_announcement_dropping_invalid_peers(a).ok());
}

}  // namespace
}  // namespace wgmesh::keys
