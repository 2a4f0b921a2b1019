// wgmeshctl's pure parts: time and size texts, tolerant peer parsing, lookup and tables.
#include <gtest/gtest.h>

#include <sstream>

#include "ctl/human_units.h"
#include "ctl/peer_lookup.h"
#include "ctl/peer_output.h"
#include "ctl/peer_view.h"
#include "ctl/text_table.h"

using namespace wgmesh::ctl;

namespace {

PeerView peer(const char* json) {
  rapidjson::Document d;
  d.Parse(json);
  PeerView p;
  EXPECT_TRUE(peer_from_json(d, p)) << json;
  return p;
}

const char* kKeyA = "q3J2aW5kb3dzIHJ1bGUgdGhlIHdvcmxkIGFuZCBtb3JlPQ==";  // not 44: fine for tests
const char* kKeyB = "AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHHIIIIJJJJKKK=";

}  // namespace

TEST(CtlUnits, Rfc3339) {
  EXPECT_EQ(parse_rfc3339("2026-02-20T10:15:04Z"), 1771582504);
  EXPECT_EQ(parse_rfc3339("2026-02-20T11:15:04+01:00"), 1771582504);
  EXPECT_EQ(parse_rfc3339("2026-02-20T10:15:04.123456789Z"), 1771582504);
  EXPECT_EQ(parse_rfc3339("0001-01-01T00:00:00Z").value_or(1) < 0, true);
  EXPECT_EQ(parse_rfc3339("2026-02-20 10:15:04"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("yesterday"), std::nullopt);
}

TEST(CtlUnits, AgoBytesDuration) {
  EXPECT_EQ(format_ago(100, 112), "12s ago");
  EXPECT_EQ(format_ago(0, 59), "59s ago");
  EXPECT_EQ(format_ago(0, 60), "1m ago");
  EXPECT_EQ(format_ago(0, 7300), "2h ago");
  EXPECT_EQ(format_ago(0, 3 * 86400 + 5), "3d ago");
  EXPECT_EQ(format_ago(10, 5), "just now");
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(5ull << 30), "5.0 GiB");
  EXPECT_EQ(format_duration(12), "12s");
  EXPECT_EQ(format_duration(3725), "1h 2m");
  EXPECT_EQ(format_duration(90000), "1d 1h");
}

TEST(CtlPeerView, ReadsTheOriginalsPeerInfo) {
  PeerView p = peer(
      R"({"pubkey":"k=","hostname":"edge-1","mesh_ip":"10.42.0.5","endpoint":"203.0.113.10:51820",
      "last_seen":"2026-02-20T10:15:04Z","discovered_via":["dht","gossip"],"routable_networks":["192.168.1.0/24"],"latency_ms":12})");
  EXPECT_EQ(p.pubkey, "k=");
  EXPECT_EQ(p.hostname, "edge-1");
  EXPECT_EQ(p.discovered_via, (std::vector<std::string>{"dht", "gossip"}));
  EXPECT_EQ(p.last_seen.unix, 1771582504);
  EXPECT_FALSE(p.last_handshake.present);
  EXPECT_EQ(p.latency_ms, 12.0);
  EXPECT_TRUE(p.extra.empty());
}

TEST(CtlPeerView, ReadsTheHostsRecordAndKeepsUnknownFields) {
  PeerView p = peer(R"({"wg_pubkey":"k=","mesh_ipv6":"fd00::5","last_handshake":0,"rx_bytes":1536,
      "tx_bytes":2048,"discovered_via":null,"active":false,"introducer":true,"nat_type":"cone"})");
  EXPECT_EQ(p.pubkey, "k=");
  EXPECT_TRUE(p.last_handshake.present);
  EXPECT_TRUE(p.last_handshake.never);
  EXPECT_EQ(p.rx_bytes, 1536u);
  EXPECT_EQ(p.active, false);
  EXPECT_TRUE(p.discovered_via.empty());
  ASSERT_EQ(p.extra.size(), 1u);
  EXPECT_EQ(p.extra[0], (std::pair<std::string, std::string>{"introducer", "true"}));
  EXPECT_EQ(peer(R"({"pubkey":"k","last_handshake":1771582504000})").last_handshake.unix,
            1771582504)
      << "milliseconds";
  EXPECT_TRUE(peer(R"({"pubkey":"k","last_seen":"0001-01-01T00:00:00Z"})").last_seen.never);
  // The mesh layer's additions (host/mesh/peer_json.cpp) are read when the others are absent.
  PeerView mesh = peer(R"({"pubkey":"k","last_seen":"2026-02-20T10:15:04Z","last_seen_unix":1,
      "last_handshake_unix":1771582500,"endpoint_source":"dht"})");
  EXPECT_EQ(mesh.last_seen.unix, 1771582504) << "the original's member wins";
  EXPECT_EQ(mesh.last_handshake.unix, 1771582500);
  ASSERT_EQ(mesh.extra.size(), 1u);
  EXPECT_EQ(mesh.extra[0].first, "endpoint_source");
  rapidjson::Document d;
  d.Parse(R"({"hostname":"no key"})");
  PeerView none;
  EXPECT_FALSE(peer_from_json(d, none));
}

TEST(CtlPeerLookup, KeyIpHostnamePrefixAndAmbiguity) {
  std::vector<PeerView> peers{
      peer(
          (std::string(R"({"pubkey":")") + kKeyA + R"(","hostname":"Edge-1","mesh_ip":"10.0.0.1"})")
              .c_str()),
      peer((std::string(R"({"pubkey":")") + kKeyB +
            R"(","hostname":"db","mesh_ip":"10.0.0.2","mesh_ipv6":"fd::2"})")
               .c_str()),
      peer(R"({"pubkey":"AAAAZZZZ=","hostname":"db","mesh_ip":"10.0.0.3"})")};
  auto found = [&](const std::string& q) {
    PeerMatch m = find_peer(peers, q);
    return m.kind == PeerMatch::Kind::kFound ? static_cast<int>(m.indexes[0]) : -1;
  };
  EXPECT_EQ(found(kKeyB), 1);
  EXPECT_EQ(found("10.0.0.3"), 2);
  EXPECT_EQ(found("fd::2"), 1);
  EXPECT_EQ(found("edge-1"), 0) << "hostnames match case-insensitively";
  EXPECT_EQ(found("q3J"), 0);
  EXPECT_EQ(found("AAAAB"), 1);
  EXPECT_EQ(find_peer(peers, "AAAA").kind, PeerMatch::Kind::kAmbiguous);
  EXPECT_EQ(find_peer(peers, "db").kind, PeerMatch::Kind::kAmbiguous);
  EXPECT_EQ(find_peer(peers, "db").indexes, (std::vector<size_t>{1, 2}));
  EXPECT_EQ(find_peer(peers, "zzz").kind, PeerMatch::Kind::kNone);
  EXPECT_EQ(find_peer(peers, "").kind, PeerMatch::Kind::kNone);
  EXPECT_TRUE(looks_like_full_key(kKeyB));
  EXPECT_FALSE(looks_like_full_key("AAAAB"));
  EXPECT_FALSE(looks_like_full_key(std::string(44, '=')));
}

TEST(CtlOutput, PeerTableWithFullKeysAndDashesForUnknowns) {
  std::vector<PeerView> peers{
      peer((std::string(R"({"pubkey":")") + kKeyB +
            R"(","hostname":"édge","mesh_ip":"10.0.0.2","endpoint":"1.2.3.4:51820",
           "discovered_via":["lan","dht"],"last_handshake":1000,"rx_bytes":1536,"tx_bytes":10})")
               .c_str()),
      peer(R"({"pubkey":"short=","last_handshake":0})")};
  std::ostringstream out;
  render_peer_table(peers, 1012, out);
  EXPECT_EQ(out.str(),
            "HOSTNAME  PUBLIC KEY                                    MESH IP   ENDPOINT       "
            "DISCOVERED VIA  LAST HANDSHAKE  RX       TX\n"
            "édge      AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHHIIIIJJJJKKK=  10.0.0.2  1.2.3.4:51820  "
            "lan,dht         12s ago         1.5 KiB  10 B\n"
            "-         short=                                        -         -              -    "
            "           never           -        -\n");
  std::ostringstream empty;
  render_peer_table({}, 0, empty);
  EXPECT_EQ(empty.str(), "No active peers\n");
}

TEST(CtlOutput, PeerDetailAndCounts) {
  std::ostringstream out;
  render_peer_detail(peer(R"({"pubkey":"k=","hostname":"h","mesh_ip":"10.0.0.9","endpoint":"",
      "last_seen":"2026-02-20T10:15:04Z","discovered_via":["dht"],"routable_networks":["192.168.1.0/24"],
      "latency_ms":12,"rx_bytes":1,"custom":{"x":1}})"),
                     1771582504 + 65, out);
  EXPECT_EQ(out.str(),
            "Peer Information\n"
            "================\n"
            "Hostname:       h\n"
            "Public Key:     k=\n"
            "Mesh IP:        10.0.0.9\n"
            "Endpoint:       -\n"
            "Discovered Via: dht\n"
            "Last Seen:      2026-02-20T10:15:04Z (1m ago)\n"
            "Transfer:       rx 1 B, tx -\n"
            "Routes:         192.168.1.0/24\n"
            "Latency:        12.0 ms\n"
            "custom:         {\"x\":1}\n");
  rapidjson::Document d;
  d.Parse(R"({"active":2,"total":3,"dead":1})");
  std::ostringstream counts;
  ASSERT_TRUE(render_peer_counts(d, counts));
  EXPECT_EQ(
      counts.str(),
      "Peer Statistics\n===============\nActive peers: 2\nTotal peers:  3\nDead peers:   1\n");
}

TEST(CtlOutput, TableWidthCountsCodePoints) {
  EXPECT_EQ(display_width("édge"), 4u);
  EXPECT_EQ(display_width("日本"), 2u);
  TextTable t({"A", "B"});
  t.add_row({"日本", "x"});
  t.add_row({"abc"});
  std::ostringstream out;
  t.render(out, "> ");
  EXPECT_EQ(out.str(), "> A    B\n> 日本   x\n> abc\n");
}
