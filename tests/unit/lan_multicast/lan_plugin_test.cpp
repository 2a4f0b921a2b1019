// The real wgmesh-lan-multicast.so, loaded with dlopen against the fake host on an
// in-memory LAN (manual clock, so every timing below is exact).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

#include "fake_host.h"
#include "fake_network.h"
#include "loaded_plugin.h"

using namespace wgmesh::test;

namespace {

constexpr const char* kGroup = "239.192.97.120";
constexpr uint16_t kPort = 51830;
constexpr const char* kOwnKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
constexpr const char* kPeerB = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA=";
constexpr const char* kPeerC = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCA=";

FakeHost::Options on_lan(FakeNetwork& net, const std::string& ip) {
  FakeHost::Options o;
  o.network = &net;
  o.ip = ip;
  return o;
}

std::unique_ptr<LoadedPlugin> load() {
  std::string error;
  auto p = LoadedPlugin::open(LAN_PLUGIN_PATH, error);
  EXPECT_TRUE(p) << error;
  return p;
}

class LanPlugin : public ::testing::Test {
 protected:
  FakeNetwork net;
  FakeHost host{on_lan(net, "198.51.100.1")};
  std::unique_ptr<LoadedPlugin> plugin = load();

  void start(const std::string& config = "{}") {
    ASSERT_TRUE(plugin);
    ASSERT_EQ(plugin->create(host, config), WGM_OK) << plugin->last_error();
    ASSERT_EQ(plugin->start(), WGM_OK);
  }

  uint64_t counter(const std::string& name) const { return host.counter("lan-multicast." + name); }

  // Send times (host clock) of the announcements the plugin multicast.
  std::vector<uint64_t> send_times() const {
    std::vector<uint64_t> out;
    for (const auto& m : host.multicasts())
      if (m.status == WGM_OK) out.push_back(m.at_ms);
    return out;
  }

  // A peer's announcement, as a Go node would build it, stamped with the host's wall clock.
  std::string announcement(const std::string& key, const std::string& extra = "") const {
    return std::string(R"({"protocol":"wgmesh-v1","wg_pubkey":")") + key +
           R"(","hostname":"peer","mesh_ip":"10.42.0.2","wg_endpoint":"0.0.0.0:51820",)" + extra +
           R"("timestamp":)" + std::to_string(host.wall_ms() / 1000) + "}";
  }

  std::string seal(const std::string& payload, const std::string& type = "ANNOUNCE") {
    std::string datagram;
    EXPECT_TRUE(host.envelope().seal(type, payload, datagram)) << payload;
    return datagram;
  }

  // Multicasts `datagram` from ip:40000 and lets the host deliver it.
  void inject(const std::string& ip, const std::string& datagram) {
    net.inject({ip, 40000}, {kGroup, kPort}, datagram);
    host.settle();
  }

  // The payload inside the i-th multicast the plugin sent.
  std::string sent_payload(size_t i) {
    std::string type, payload;
    EXPECT_EQ(host.envelope().open(host.multicasts().at(i).data, WGM_OPEN_NO_REPLAY,
                                   host.wall_ms() / 1000, type, payload),
              WGM_OK);
    EXPECT_EQ(type, "ANNOUNCE");
    return payload;
  }
};

}  // namespace

// ---- descriptor and lifecycle ----

TEST_F(LanPlugin, Descriptor) {
  ASSERT_TRUE(plugin);
  const wgm_plugin_desc& d = plugin->desc();
  EXPECT_STREQ(d.name, "lan-multicast");
  EXPECT_EQ(d.abi_major, WGMESH_ABI_MAJOR);
  EXPECT_EQ(d.abi_minor, WGMESH_ABI_MINOR);
  std::vector<std::string> keys;
  for (const char* const* k = d.config_keys; *k; ++k) keys.emplace_back(*k);
  EXPECT_EQ(keys, (std::vector<std::string>{"interfaces", "min_interval_ms", "max_interval_ms",
                                            "compat_fixed_interval_ms"}));
  EXPECT_EQ(d.requirements, nullptr);
}

TEST_F(LanPlugin, CreateRegistersTheLanSourceAndOpensNothingYet) {
  ASSERT_EQ(plugin->create(host), WGM_OK);
  ASSERT_EQ(host.sources().count("lan"), 1u);
  EXPECT_EQ(host.sources().at("lan").rank, 100);
  EXPECT_EQ(host.sources().at("lan").cls, WGM_SOURCE_LAN);
  EXPECT_EQ(host.open_sockets(plugin->ctx()), 0u) << "no network activity before start";
  EXPECT_EQ(host.timer_handles(plugin->ctx()), 0u);
}

TEST_F(LanPlugin, StartOpensTheGoCompatibleSockets) {
  start();
  ASSERT_EQ(host.udp_opens().size(), 2u);
  const UdpOpenCall& rx = host.udp_opens()[0];
  EXPECT_EQ(rx.family, AF_INET);
  EXPECT_EQ(rx.bind_addr, "") << "0.0.0.0";
  EXPECT_EQ(rx.port, 51830);
  EXPECT_TRUE(rx.flags & WGM_UDP_REUSEADDR);
  EXPECT_EQ(rx.recv_buffer, 0) << "system default, not Go's 4 KB";
  const UdpOpenCall& tx = host.udp_opens()[1];
  EXPECT_EQ(tx.port, 0) << "ephemeral sender, like Go's per-send socket";
  EXPECT_TRUE(tx.flags & WGM_UDP_NO_RECV);
  bool ttl1 = false, loop_on = false;
  for (const auto& o : host.udp_options()) {
    ttl1 |= o.option == WGM_UDP_OPT_MCAST_TTL && o.value == 1;
    loop_on |= o.option == WGM_UDP_OPT_MCAST_LOOP && o.value == 1;
  }
  EXPECT_TRUE(ttl1);
  EXPECT_TRUE(loop_on);
  ASSERT_FALSE(host.joins().empty());
  EXPECT_EQ(host.joins()[0].group, kGroup);
  EXPECT_EQ(host.joins()[0].ifname, "") << "every up multicast interface";
  EXPECT_EQ(host.joins()[0].status, WGM_OK);
}

TEST_F(LanPlugin, StopReleasesEverything) {
  start();
  host.advance(5000);
  plugin->stop();
  EXPECT_EQ(host.open_sockets(plugin->ctx()), 0u);
  EXPECT_EQ(host.timer_handles(plugin->ctx()), 0u);
  EXPECT_EQ(host.subscriptions(plugin->ctx()), 0u);
  size_t sent = host.multicasts().size();
  host.advance(120000);
  EXPECT_EQ(host.multicasts().size(), sent) << "silent after stop";
  EXPECT_EQ(plugin->start(), WGM_OK) << "restartable";
  EXPECT_EQ(host.multicasts().size(), sent + 1);
}

// ---- sending ----

TEST_F(LanPlugin, AnnouncesImmediatelyOnStart) {
  // A known peer in the store must not leak into the LAN announcement (Go sends none).
  ASSERT_EQ(plugin->create(host), WGM_OK);
  std::string peer = std::string(R"({"wg_pubkey":")") + kPeerC + R"(","mesh_ip":"10.42.0.3"})";
  ASSERT_EQ(host.api()->peer_report(plugin->ctx(), "lan", peer.c_str(), peer.size()), WGM_OK);
  ASSERT_EQ(plugin->start(), WGM_OK);
  ASSERT_EQ(host.multicasts().size(), 1u) << "sent inside start(), before any loop turn";
  const MulticastSend& m = host.multicasts()[0];
  EXPECT_EQ(m.group, kGroup);
  EXPECT_EQ(m.port, kPort);
  EXPECT_EQ(m.at_ms, 0u);
  std::string payload = sent_payload(0);
  EXPECT_EQ(payload, host.build_announcement(0)) << "exactly the host's announcement";
  EXPECT_EQ(payload.find("known_peers"), std::string::npos);
  EXPECT_EQ(counter("sent"), 1u);
  // The datagram really went onto the segment, from our address.
  ASSERT_FALSE(net.log().empty());
  EXPECT_EQ(net.log()[0].from.ip, "198.51.100.1");
  EXPECT_EQ(net.log()[0].to.ip, kGroup);
}

TEST_F(LanPlugin, BacksOffToTheCap) {
  start();
  host.advance(200000);
  // 1, 2, 4, 8, 16 s, then the 30 s cap. The send due at 31 s goes out at 30 s with the
  // group rejoin (within its 5 s slack), and both stay in step from then on.
  EXPECT_EQ(send_times(), (std::vector<uint64_t>{0, 1000, 3000, 7000, 15000, 30000, 60000, 90000,
                                                 120000, 150000, 180000}));
}

TEST_F(LanPlugin, ConfiguredIntervals) {
  start(R"({"min_interval_ms":200,"max_interval_ms":1000})");
  host.advance(4000);
  EXPECT_EQ(send_times(), (std::vector<uint64_t>{0, 200, 600, 1400, 2400, 3400}));
}

TEST_F(LanPlugin, CompatModeIsEveryFiveSeconds) {
  start(R"({"compat_fixed_interval_ms":5000})");
  host.advance(30000);
  EXPECT_EQ(send_times(), (std::vector<uint64_t>{0, 5000, 10000, 15000, 20000, 25000, 30000}));
  host.update_local([](LocalNode& n) { n.endpoint = "203.0.113.7:51820"; });
  host.advance(100);
  EXPECT_EQ(send_times().size(), 7u) << "compat mode: no event-driven sends";
}

TEST_F(LanPlugin, AnnouncesAtOnceWhenTheLocalNodeChanges) {
  start();
  host.advance(100000);  // into the 30 s regime: last send at 91000, next at 121000
  host.clear_multicasts();
  host.update_local([](LocalNode& n) { n.endpoint = "203.0.113.7:51820"; });
  host.settle();
  ASSERT_EQ(send_times(), (std::vector<uint64_t>{100000}));
  EXPECT_NE(sent_payload(0).find(R"("wg_endpoint":"203.0.113.7:51820")"), std::string::npos);
  // The backoff restarts, so a lost datagram is repeated within a second.
  host.advance(4000);
  EXPECT_EQ(send_times(), (std::vector<uint64_t>{100000, 101000, 103000}));
}

TEST_F(LanPlugin, LocalChangeBurstsAreSpaced) {
  start();
  host.advance(100000);
  host.clear_multicasts();
  for (int i = 0; i < 5; ++i) {
    host.update_local([i](LocalNode& n) { n.nat_type = i % 2 ? "cone" : "symmetric"; });
    host.advance(10);
  }
  host.advance(100);
  EXPECT_EQ(send_times(), (std::vector<uint64_t>{100000, 100050}))
      << "five changes within 50 ms cost two datagrams";
}

TEST_F(LanPlugin, AnswersANewLanPeerAtOnce) {
  start();
  host.advance(100000);
  host.clear_multicasts();
  inject("198.51.100.2", seal(announcement(kPeerB)));
  ASSERT_EQ(host.reports().size(), 1u);
  EXPECT_EQ(send_times(), (std::vector<uint64_t>{100000})) << "the newcomer hears us now";
  host.advance(10);
  inject("198.51.100.2", seal(announcement(kPeerB)));
  EXPECT_EQ(send_times().size(), 1u) << "a known peer triggers nothing";
  host.advance(10);
  inject("198.51.100.3", seal(announcement(kPeerC)));
  EXPECT_EQ(send_times().size(), 1u) << "a second newcomer right after waits for the spacing";
  host.advance(400);
  EXPECT_EQ(send_times(), (std::vector<uint64_t>{100000, 100050}));
}

TEST_F(LanPlugin, APeerThatMissedAnAnnouncementIsNewAgain) {
  start();
  host.advance(100000);
  inject("198.51.100.2", seal(announcement(kPeerB)));
  host.advance(34000);  // within one 30 s interval plus 5 s slack: B is simply alive
  host.clear_multicasts();
  inject("198.51.100.2", seal(announcement(kPeerB)));
  EXPECT_TRUE(send_times().empty()) << "a peer heard on time triggers nothing";
  host.advance(36000);  // silent for longer: B was down (restarted) and forgot us
  host.clear_multicasts();
  inject("198.51.100.2", seal(announcement(kPeerB)));
  EXPECT_EQ(send_times(), (std::vector<uint64_t>{170000}));
}

// ---- receiving ----

TEST_F(LanPlugin, ReportsAPeerWithTheLanSourceAsEndpoint) {
  start();
  inject("198.51.100.2", seal(announcement(kPeerB)));
  ASSERT_EQ(host.reports().size(), 1u);
  const PeerReport& r = host.reports()[0];
  EXPECT_EQ(r.label, "lan");
  EXPECT_EQ(r.plugin, "lan-multicast");
  EXPECT_EQ(r.json,
            std::string(R"({"wg_pubkey":")") + kPeerB +
                R"(","hostname":"peer","mesh_ip":"10.42.0.2","mesh_ipv6":"",)"
                R"("endpoint":"198.51.100.2:51820","introducer":false,"routable_networks":[]})");
  EXPECT_EQ(counter("received"), 3u)
      << "B's, plus our own start announcement and our answer to B, both looped back";
  EXPECT_EQ(counter("accepted"), 1u);
}

TEST_F(LanPlugin, ReportCarriesEveryFieldAsPresent) {
  start();
  inject("198.51.100.2", seal(std::string(R"({"protocol":"wgmesh-v1","wg_pubkey":")") + kPeerB +
                              R"(","hostname":"b","mesh_ip":"10.42.0.2","mesh_ipv6":"fd42::2",)"
                              R"("wg_endpoint":"203.0.113.9:51999","introducer":true,)"
                              R"("routable_networks":["192.168.50.0/24"],"timestamp":)" +
                              std::to_string(host.wall_ms() / 1000) + R"(,"nat_type":"cone"})"));
  ASSERT_EQ(host.reports().size(), 1u);
  EXPECT_EQ(host.reports()[0].json,
            std::string(R"({"wg_pubkey":")") + kPeerB +
                R"(","hostname":"b","mesh_ip":"10.42.0.2","mesh_ipv6":"fd42::2",)"
                R"("endpoint":"198.51.100.2:51999","introducer":true,)"
                R"("routable_networks":["192.168.50.0/24"],"nat_type":"cone"})");
}

TEST_F(LanPlugin, OwnAnnouncementsAreIgnored) {
  start();
  host.advance(10000);  // sends at 0, 1000, 3000, 7000; each loops back to us
  EXPECT_EQ(counter("dropped_own"), 4u);
  EXPECT_TRUE(host.reports().empty());
  // After a key change the new key is ours (the old one would now be a peer).
  host.update_local([](LocalNode& n) { n.wg_pubkey = kPeerC; });
  host.settle();
  EXPECT_EQ(counter("dropped_own"), 5u);
  EXPECT_TRUE(host.reports().empty());
}

TEST_F(LanPlugin, RateLimitsEachSource) {
  start();
  std::string d = announcement(kPeerB);
  for (int i = 0; i < 30; ++i) net.inject({"198.51.100.2", 40000}, {kGroup, kPort}, seal(d));
  net.inject({"198.51.100.3", 40000}, {kGroup, kPort}, seal(announcement(kPeerC)));
  host.settle();
  EXPECT_EQ(counter("dropped_rate"), 10u) << "burst of 20 per source";
  EXPECT_EQ(counter("accepted"), 21u) << "the other source is not affected";
  EXPECT_TRUE(host.logged("rate limit hit by 198.51.100.2", WGM_LOG_WARN));
  host.advance(1000);  // ten tokens back
  for (int i = 0; i < 12; ++i) net.inject({"198.51.100.2", 40000}, {kGroup, kPort}, seal(d));
  host.settle();
  EXPECT_EQ(counter("dropped_rate"), 12u);
}

TEST_F(LanPlugin, DropsWhatTheEnvelopeRejects) {
  start();
  uint64_t base = counter("dropped_auth");
  std::string foreign;
  ASSERT_TRUE(
      FakeEnvelope::seal_with("other-mesh", "n1", "ANNOUNCE", announcement(kPeerB), foreign));
  inject("198.51.100.2", foreign);
  inject("198.51.100.2", "not an envelope");
  host.set_wall_offset_ms(-700000);  // sealed 700 s in the past
  std::string stale = seal(announcement(kPeerB));
  host.set_wall_offset_ms(0);
  inject("198.51.100.2", stale);
  std::string fresh = seal(announcement(kPeerB));
  inject("198.51.100.2", fresh);
  inject("198.51.100.4", fresh);  // a replay, even from another machine
  EXPECT_EQ(counter("dropped_auth"), base + 4);
  ASSERT_EQ(host.reports().size(), 1u) << "only the fresh original";
  EXPECT_NE(host.reports()[0].json.find("198.51.100.2:51820"), std::string::npos);
}

TEST_F(LanPlugin, StrictValidationFailureIsDropped) {
  start();
  inject("198.51.100.2", seal(announcement("short-key")));
  EXPECT_EQ(counter("dropped_auth"), 1u);
  EXPECT_TRUE(host.reports().empty());
}

TEST_F(LanPlugin, OnlyAnnounceIsAccepted) {
  start();
  inject("198.51.100.2", seal(announcement(kPeerB), "HELLO"));
  EXPECT_EQ(counter("dropped_type"), 1u);
  EXPECT_TRUE(host.reports().empty());
}

TEST_F(LanPlugin, IgnoresSourcesInsideTheMesh) {
  start();
  inject("10.42.0.9", seal(announcement(kPeerB)));
  EXPECT_EQ(counter("dropped_mesh_source"), 1u);
  EXPECT_TRUE(host.reports().empty());
}

TEST_F(LanPlugin, CountsRefusedReports) {
  start();
  host.set_peer_report_status(WGM_ERR_LIMIT);
  inject("198.51.100.2", seal(announcement(kPeerB)));
  EXPECT_EQ(counter("report_errors"), 1u);
  EXPECT_EQ(counter("accepted"), 0u);
  EXPECT_TRUE(host.logged("refused a LAN report", WGM_LOG_WARN));
}

// ---- size guard ----

TEST_F(LanPlugin, OversizeAnnouncementIsTrimmedOrDropped) {
  ASSERT_EQ(plugin->create(host), WGM_OK);
  for (int i = 0; i < 300; ++i)
    host.local().routable_networks.push_back("10." + std::to_string(i) + ".0.0/16");
  ASSERT_GT(host.build_announcement(0).size(), 4096u);
  ASSERT_EQ(plugin->start(), WGM_OK);
  ASSERT_EQ(host.multicasts().size(), 1u);
  EXPECT_LT(host.multicasts()[0].data.size(), 4096u);
  std::string payload = sent_payload(0);
  EXPECT_EQ(payload.find("routable_networks"), std::string::npos);
  EXPECT_NE(payload.find(kOwnKey), std::string::npos);
  EXPECT_EQ(counter("oversize_trimmed"), 1u);
  EXPECT_TRUE(host.logged("sent without routable_networks", WGM_LOG_WARN));

  // Nothing left to trim: the announcement is not sent at all.
  host.update_local([](LocalNode& n) {
    n.routable_networks.clear();
    n.hostname = std::string(5000, 'h');  // impossible for a valid node, fine for the guard
  });
  host.settle();
  EXPECT_EQ(host.multicasts().size(), 1u);
  EXPECT_EQ(counter("dropped_oversize"), 1u);
  EXPECT_TRUE(host.logged("exceeds the 4095-byte limit of Go receivers; not sent", WGM_LOG_ERROR));
}

// ---- interfaces ----

TEST_F(LanPlugin, NamedInterfacesAreJoinedAndUsed) {
  start(R"({"interfaces":["eth0"]})");
  ASSERT_FALSE(host.joins().empty());
  EXPECT_EQ(host.joins()[0].ifname, "eth0");
  ASSERT_EQ(host.multicasts().size(), 1u);
  EXPECT_EQ(host.multicasts()[0].ifname, "eth0");
  EXPECT_EQ(host.multicasts()[0].status, WGM_OK);
}

TEST_F(LanPlugin, AMissingInterfaceIsRetriedNotFatal) {
  start(R"({"interfaces":["eth9"]})");
  EXPECT_EQ(host.joins().at(0).status, WGM_ERR_IO);
  EXPECT_TRUE(host.logged("cannot join 239.192.97.120 on eth9", WGM_LOG_WARN));
  EXPECT_EQ(counter("send_errors"), 1u);
  size_t joins = host.joins().size();
  host.advance(30000);
  EXPECT_GT(host.joins().size(), joins) << "membership is retried every 30 s";
}

TEST_F(LanPlugin, MembershipIsRefreshedForInterfacesThatAppearLater) {
  start();
  host.advance(95000);
  EXPECT_EQ(host.joins().size(), 4u) << "at start, then about every 30 s";
}

// Rejoin and announcement both run every 30 s in the steady state; an announcement due
// within a few seconds of a rejoin goes out with it, so they share one wakeup from then on.
TEST_F(LanPlugin, RejoinAndAnnouncementShareWakeupsOnceSteady) {
  start();
  host.advance(60000);  // backed off to the 30 s cap, and the announcement pulled into step
  size_t joins = host.joins().size(), sends = host.multicasts().size();
  int join_steps = 0, shared = 0, send_steps = 0;
  for (uint64_t t = 0; t < 10 * 60 * 1000; t += 100) {
    host.advance(100);
    bool joined = host.joins().size() > joins, sent = host.multicasts().size() > sends;
    joins = host.joins().size();
    sends = host.multicasts().size();
    join_steps += joined;
    send_steps += sent;
    shared += joined && sent;
  }
  EXPECT_GE(join_steps, 19) << "membership is still refreshed every 30 s";
  EXPECT_EQ(shared, join_steps) << "each rejoin shares its wakeup with an announcement";
  EXPECT_EQ(send_steps, join_steps) << "and announcements stay at one per 30 s";
}

// ---- configuration and host errors ----

TEST_F(LanPlugin, BadConfigFailsCreateWithOneClearLine) {
  ASSERT_TRUE(plugin);
  EXPECT_EQ(plugin->create(host, R"({"min_interval_ms":"fast"})"), WGM_ERR_INVALID);
  EXPECT_TRUE(
      host.logged("invalid configuration: plugins.lan-multicast.min_interval_ms must be an "
                  "integer number of milliseconds between 100 and 120000 (got \"fast\")",
                  WGM_LOG_ERROR));
  EXPECT_EQ(plugin->create(host, R"({"min_interval_ms":5000,"max_interval_ms":1000})"),
            WGM_ERR_INVALID);
  EXPECT_TRUE(host.logged("max_interval_ms (1000) must not be below min_interval_ms (5000)"));
  EXPECT_EQ(plugin->create(host, R"({"interfaces":[]})"), WGM_ERR_INVALID);
  EXPECT_EQ(plugin->create(host, R"({"compat_fixed_interval_ms":-1})"), WGM_ERR_INVALID);
  EXPECT_TRUE(host.sources().empty()) << "nothing registered by a failed create";
}

TEST_F(LanPlugin, UndeclaredKeyIsRefusedByTheLoader) {
  ASSERT_TRUE(plugin);
  EXPECT_EQ(plugin->create(host, R"({"interval":5000})"), WGM_ERR_INVALID);
  EXPECT_EQ(plugin->last_error(), "unknown key 'plugins.lan-multicast.interval'");
}

TEST_F(LanPlugin, WithoutMeshKeysCreateFails) {
  ASSERT_TRUE(plugin);
  host.remove_key_value("multicast_group");
  EXPECT_EQ(plugin->create(host), WGM_ERR_STATE);
  EXPECT_TRUE(host.logged("cannot get the multicast group and LAN port", WGM_LOG_ERROR));
}

TEST_F(LanPlugin, PortInUseFailsStart) {
  wgm_ctx* other = host.add_context("squatter");
  wgm_udp_options o{};
  o.struct_size = sizeof o;
  o.family = AF_INET;
  o.port = kPort;  // no REUSEADDR: nobody may share it
  wgm_udp* sock = nullptr;
  ASSERT_EQ(host.api()->udp_open(other, &o, nullptr, nullptr, &sock), WGM_OK);
  ASSERT_EQ(plugin->create(host), WGM_OK);
  EXPECT_EQ(plugin->start(), WGM_ERR_IO);
  EXPECT_TRUE(host.logged("cannot listen on 0.0.0.0:51830", WGM_LOG_ERROR));
  EXPECT_EQ(host.open_sockets(plugin->ctx()), 0u);
  EXPECT_EQ(host.timer_handles(plugin->ctx()), 0u);
}

// ---- two plugins on one in-memory LAN ----

TEST(LanPluginPair, ALateJoinerIsAnsweredWithinTheSameMillisecond) {
  FakeNetwork net;
  FakeHost a(on_lan(net, "198.51.100.1"));
  FakeHost b(on_lan(net, "198.51.100.2"));
  b.local().wg_pubkey = kPeerB;
  b.local().mesh_ip = "10.42.0.2";
  b.local().endpoint = "0.0.0.0:51999";
  auto pa = load();
  auto pb = load();
  ASSERT_TRUE(pa && pb);
  ASSERT_EQ(pa->create(a), WGM_OK);
  ASSERT_EQ(pa->start(), WGM_OK);
  a.advance(100000);  // A has backed off to 30 s
  b.advance(100000);  // same wall time on both
  ASSERT_EQ(pb->create(b), WGM_OK);
  ASSERT_EQ(pb->start(), WGM_OK);  // B announces; A is 21 s away from its next periodic send
  for (int i = 0; i < 3; ++i) {
    a.settle();
    b.settle();
  }
  ASSERT_GE(a.reports().size(), 1u) << "B answers A too (A is new to B): a second report";
  EXPECT_NE(a.reports()[0].json.find(R"("endpoint":"198.51.100.2:51999")"), std::string::npos);
  ASSERT_EQ(b.reports().size(), 1u) << "A answered the newcomer at once";
  EXPECT_EQ(b.reports()[0].at_ms, 100000u);
  EXPECT_NE(b.reports()[0].json.find(R"("endpoint":"198.51.100.1:51820")"), std::string::npos);
  rapidjson::Document doc;
  doc.Parse(b.reports()[0].json.c_str());
  EXPECT_STREQ(doc["wg_pubkey"].GetString(), kOwnKey);
}
