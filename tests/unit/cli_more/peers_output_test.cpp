// The original's `peers` output (centralized-rpc-cli.md §8.4) from daemon results.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "peers_output.h"

using namespace wgmesh::cli;
using wgmesh::keys::UnixTime;

namespace {

// 2026-02-20T10:15:04Z and a little after (the clock has nanoseconds, as Go's does).
constexpr int64_t kT = 1771582504;
const UnixTime kNow{kT, 250'000'000};

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  EXPECT_FALSE(d.HasParseError()) << json;
  return d;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    out.push_back(text.substr(start, nl - start));
  return out;
}

std::string list(const std::string& json, UnixTime now = kNow) {
  std::string out;
  auto err = format_peers_list(parse(json), now, out);
  return err ? "ERR " + *err : out;
}

}  // namespace

TEST(PeersOutput, RelativeLastSeenUsesGoTruncation) {
  EXPECT_EQ(relative_last_seen("2026-02-20T10:15:04Z", kNow), "0s");
  EXPECT_EQ(relative_last_seen("2026-02-20T10:14:05Z", kNow), "59s");
  EXPECT_EQ(relative_last_seen("2026-02-20T10:14:04Z", kNow), "1m");
  EXPECT_EQ(relative_last_seen("2026-02-20T09:15:05Z", kNow), "59m");
  EXPECT_EQ(relative_last_seen("2026-02-20T09:15:04Z", kNow), "1h");
  EXPECT_EQ(relative_last_seen("2026-02-19T10:15:05Z", kNow), "23h");
  EXPECT_EQ(relative_last_seen("2026-02-17T10:15:04Z", kNow), "3d");
  // Offsets are honoured: the same instant written in +02:00.
  EXPECT_EQ(relative_last_seen("2026-02-20T12:14:04+02:00", kNow), "1m");
  // The future: -3.75 s truncates toward zero.
  EXPECT_EQ(relative_last_seen("2026-02-20T10:15:08Z", kNow), "-3s");
  // Go's zero time: time.Since saturates at the maximum duration.
  EXPECT_EQ(relative_last_seen("0001-01-01T00:00:00Z", kNow), "106751d");
  EXPECT_EQ(relative_last_seen("", kNow), "unknown");
  EXPECT_EQ(relative_last_seen("yesterday", kNow), "unknown");
  EXPECT_EQ(relative_last_seen("2026-02-20 10:15:04", kNow), "unknown");
}

TEST(PeersOutput, ListHasTheLaterUpstreamLayout) {
  const std::string key1 = "q3J9ab0Kkq7s3fXgG3g0lqH+YkZrV2m9dWc6dGVzdDE=";
  const std::string key2 = "ZZZZZZZZZZZZZZZZ1234567890abcdefghijklmnopq=";
  std::string out =
      list(R"({"peers":[{"pubkey":")" + key1 +
           R"(","hostname":"edge-1","mesh_ip":"10.42.0.5","endpoint":"203.0.113.10:51820",)"
           R"("last_seen":"2026-02-20T10:15:00Z","discovered_via":["dht","gossip"],)"
           R"("routable_networks":["192.168.1.0/24"],"latency_ms":12},)"
           R"({"pubkey":")" +
           key2 +
           R"(","mesh_ip":"10.42.0.6","endpoint":"","last_seen":"2026-02-20T08:00:00Z",)"
           R"("discovered_via":null}]})");
  std::string expected =
      "HOSTNAME             PUBLIC KEY          MESH IP         ENDPOINT                  LAST "
      "SEEN  "
      "LATENCY    DISCOVERED VIA\n" +
      std::string(130, '-') + "\n" +
      "edge-1               q3J9ab0Kkq7s3fXg... 10.42.0.5       203.0.113.10:51820        4s       "
      "  "
      "12.0ms     dht,gossip\n"
      // No hostname: the short key stands in; no latency: "-"; no sources: empty.
      "ZZZZZZZZZZZZZZZZ...  ZZZZZZZZZZZZZZZZ... 10.42.0.6                                 2h       "
      "  "
      "-          \n";
  EXPECT_EQ(out, expected);
}

TEST(PeersOutput, ListKeepsDaemonOrderTruncatesAndSkipsBadElements) {
  std::string out = list(
      R"({"peers":[)"
      R"({"pubkey":"short","hostname":"a-very-long-hostname-indeed","mesh_ip":"10.0.0.2","last_seen":"x","latency_ms":1.25},)"
      R"(42,{"hostname":"no-key"},{"pubkey":7},)"
      R"({"pubkey":"k2","hostname":"ünïcødé-hőst-名前-abcdef","discovered_via":["lan",3,"dht"],"latency_ms":"12"},)"
      R"({"pubkey":"k3","hostname":"exactly-twenty-chars","mesh_ip":"10.0.0.1"})"
      "]}");
  auto lines = split(out);
  ASSERT_EQ(lines.size(), 5u) << out;
  // A host name over 20 characters keeps 17 plus "...", counted in characters.
  EXPECT_EQ(lines[2].substr(0, 21), "a-very-long-hostn... ");
  EXPECT_NE(lines[2].find(" short               10.0.0.2"), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find(" unknown    1.2ms"), std::string::npos) << lines[2];
  EXPECT_EQ(lines[3].rfind("ünïcødé-hőst-名前-a... k2 ", 0), 0u) << lines[3];
  EXPECT_NE(lines[3].find("-          lan,dht"), std::string::npos)
      << lines[3];  // "12": not a number
  EXPECT_EQ(lines[4].rfind("exactly-twenty-chars k3 ", 0), 0u) << lines[4];
}

TEST(PeersOutput, ListEmptyAndMalformedResults) {
  EXPECT_EQ(list(R"({"peers":[]})"), "No active peers\n");
  EXPECT_EQ(list(R"({"peers":null})"), "ERR Invalid peers data");
  EXPECT_EQ(list(R"({"peers":{}})"), "ERR Invalid peers data");
  EXPECT_EQ(list(R"({})"), "ERR Invalid peers data");
  EXPECT_EQ(list(R"([])"), "ERR Invalid response format");
  EXPECT_EQ(list(R"("x")"), "ERR Invalid response format");
  // Elements that are all unusable still print the header (the list was not empty).
  EXPECT_EQ(split(list(R"({"peers":[1,2]})")).size(), 2u);
}

TEST(PeersOutput, Counts) {
  std::string out;
  EXPECT_FALSE(format_peer_counts(parse(R"({"active":2,"total":3,"dead":1})"), out));
  EXPECT_EQ(
      out, "Peer Statistics\n===============\nActive peers: 2\nTotal peers:  3\nDead peers:   1\n");
  out.clear();
  EXPECT_FALSE(format_peer_counts(parse(R"({"active":2.9,"total":1e3,"dead":0})"), out));
  EXPECT_EQ(
      out,
      "Peer Statistics\n===============\nActive peers: 2\nTotal peers:  1000\nDead peers:   0\n");
  for (const char* bad : {R"({"active":2,"total":3})", R"({"active":"2","total":3,"dead":1})",
                          R"({"active":null,"total":3,"dead":1})"}) {
    out.clear();
    EXPECT_EQ(format_peer_counts(parse(bad), out).value_or(""), "Invalid peer count data") << bad;
    EXPECT_EQ(out, "");
  }
  EXPECT_EQ(format_peer_counts(parse("[1]"), out).value_or(""), "Invalid response format");
}

TEST(PeersOutput, PeerInformation) {
  std::string out;
  EXPECT_FALSE(format_peer_info(
      parse(
          R"({"pubkey":"q3xx=","hostname":"edge-1","mesh_ip":"10.42.0.5","endpoint":"203.0.113.10:51820",)"
          R"("last_seen":"2026-02-20T10:15:04Z","discovered_via":["dht","gossip"],)"
          R"("routable_networks":["192.168.1.0/24","10.9.0.0/16"],"latency_ms":12.345})"),
      out));
  EXPECT_EQ(out,
            "Peer Information\n================\n"
            "Public Key:     q3xx=\n"
            "Mesh IP:        10.42.0.5\n"
            "Endpoint:       203.0.113.10:51820\n"
            "Last Seen:      2026-02-20T10:15:04Z\n"
            "Discovered Via: dht, gossip\n"
            "Routes:         192.168.1.0/24, 10.9.0.0/16\n"
            "Latency:        12.3 ms\n");
  // Never-seen, no sources, no routes, no latency: the host name is never printed.
  out.clear();
  EXPECT_FALSE(format_peer_info(
      parse(R"({"pubkey":"k","hostname":"h","mesh_ip":"10.0.0.9","endpoint":"",)"
            R"("last_seen":"0001-01-01T00:00:00Z","discovered_via":null,"routable_networks":[1]})"),
      out));
  EXPECT_EQ(out,
            "Peer Information\n================\nPublic Key:     k\nMesh IP:        10.0.0.9\n"
            "Endpoint:       \nLast Seen:      0001-01-01T00:00:00Z\nLatency:        -\n");
  // latency_ms null prints "-", a non-number prints no latency line at all (as the original).
  out.clear();
  EXPECT_FALSE(format_peer_info(parse(R"({"latency_ms":null})"), out));
  EXPECT_NE(out.find("Latency:        -\n"), std::string::npos);
  out.clear();
  EXPECT_FALSE(format_peer_info(parse(R"({"latency_ms":"5"})"), out));
  EXPECT_EQ(out.find("Latency"), std::string::npos);
  EXPECT_EQ(format_peer_info(parse(R"(["x"])"), out).value_or(""), "Invalid response format");
}

TEST(PeersOutput, PaddingCountsCodePoints) {
  EXPECT_EQ(pad_right("ab", 4), "ab  ");
  EXPECT_EQ(pad_right("äb", 4), "äb  ");
  EXPECT_EQ(pad_right("abcdef", 4), "abcdef");
  EXPECT_EQ(code_point_count("名前x"), 3u);
  EXPECT_EQ(first_code_points("名前xyz", 2), "名前");
  EXPECT_EQ(first_code_points("ab", 5), "ab");
}
