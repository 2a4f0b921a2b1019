// Envelope seal/open (crypto.md §6.1-§6.6), GOODBYE payloads and the payload/type check.
#include "keys/envelope.h"

#include <gtest/gtest.h>

#include "keys/derived_keys.h"
#include "keys/encoding.h"
#include "keys/goodbye.h"
#include "keys/message_types.h"
#include "keys/registry_text.h"

namespace wgmesh::keys {
namespace {

constexpr int64_t kNow = 1800000000;
constexpr std::string_view kKeyA = "35VcJ4vOc15vdCi2WaUniV8r4nq6kuzgoj2vEbyWxFY=";

const Key32& gossip_key() {
  static const Key32 key = derive_keys("wgmesh-envelope-compatibility-secret")->gossip_key;
  return key;
}

PeerAnnouncement announcement(int64_t timestamp = kNow) {
  PeerAnnouncement a;
  a.wg_pubkey = kKeyA;
  a.mesh_ip = "10.42.0.7";
  a.wg_endpoint = "203.0.113.5:51820";
  a.timestamp = timestamp;
  return a;
}

std::string sealed(const PeerAnnouncement& a, std::string_view type = "ANNOUNCE") {
  return *seal_announcement(type, a, gossip_key());
}

Error open_error(std::string_view data, int64_t now = kNow) {
  auto r = open_announcement(data, gossip_key(), UnixTime::from_seconds(now));
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{""} : r.error();
}

TEST(Envelope, SealOpenRoundTripInGoWireForm) {
  const std::string env = sealed(announcement());
  EXPECT_EQ(env.rfind("{\"type\":\"ANNOUNCE\",\"nonce\":\"", 0), 0u);
  auto opened = open_announcement(env, gossip_key(), UnixTime::from_seconds(kNow));
  ASSERT_TRUE(opened.ok()) << opened.message();
  EXPECT_EQ(opened->announcement, announcement());
  EXPECT_EQ(opened->envelope.type, "ANNOUNCE");
  EXPECT_EQ(opened->envelope.plaintext, announcement_to_json(announcement()));
  EXPECT_EQ(opened->envelope.timestamp, kNow);
}

TEST(Envelope, FreshNonceEverySeal) { EXPECT_NE(sealed(announcement()), sealed(announcement())); }

TEST(Envelope, FixedNonceReproducesBytesOnBothBackends) {
  GcmNonce nonce{};
  nonce.fill(7);
  const std::string payload = announcement_to_json(announcement());
  auto a = seal_envelope_with_nonce("HELLO", payload, gossip_key(), nonce, AeadBackend::kOpenSsl);
  ASSERT_TRUE(a.ok());
  if (libsodium_aes256gcm_available()) {
    EXPECT_EQ(*a, *seal_envelope_with_nonce("HELLO", payload, gossip_key(), nonce,
                                            AeadBackend::kLibsodium));
  }
  OpenOptions openssl;
  openssl.backend = AeadBackend::kOpenSsl;
  auto opened = open_envelope_raw(*a, gossip_key(), UnixTime::from_seconds(kNow), openssl);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->nonce, nonce);
}

TEST(Envelope, InvalidMeshIpFailsInOpenWithMeshIp) {
  PeerAnnouncement a = announcement();
  a.mesh_ip = "not-an-ip";
  const Error e = open_error(sealed(a));
  EXPECT_EQ(e.message, "invalid announcement: MeshIP: invalid IP address: \"not-an-ip\"");
  EXPECT_EQ(envelope_error_step(e), EnvelopeStep::kValidateAnnouncement);
  // The raw open does not validate (the Go exchange path).
  EXPECT_TRUE(open_envelope_raw(sealed(a), gossip_key(), UnixTime::from_seconds(kNow)).ok());
}

TEST(Envelope, DropInvalidKnownPeersPolicy) {
  PeerAnnouncement a = announcement();
  KnownPeer good{std::string(kKeyA), "", "10.0.0.2", "", "", false, ""};
  KnownPeer bad = good;
  bad.wg_endpoint = "1.2.3.4:0";
  a.known_peers = {bad, good};
  const std::string env = sealed(a);
  EXPECT_NE(open_error(env).message.find("KnownPeers[0]: WGEndpoint"), std::string::npos);
  auto lenient = open_announcement(env, gossip_key(), UnixTime::from_seconds(kNow),
                                   KnownPeerPolicy::kDropInvalidPeers);
  ASSERT_TRUE(lenient.ok()) << lenient.message();
  ASSERT_EQ(lenient->announcement.known_peers.size(), 1u);
  EXPECT_EQ(lenient->announcement.known_peers[0], good);
  EXPECT_EQ(lenient->dropped_known_peers.size(), 1u);
}

TEST(Envelope, FailuresReportGosStepAndText) {
  const std::string env = sealed(announcement());
  EXPECT_EQ(envelope_error_step(open_error("not json")), EnvelopeStep::kParseEnvelope);
  EXPECT_EQ(open_error("not json").message,
            "failed to unmarshal envelope: invalid character 'o' in literal null (expecting 'u')");
  EXPECT_EQ(open_error("{}").message, "invalid nonce size: 0");
  EXPECT_EQ(open_error("null").message, "invalid nonce size: 0");
  const Key32 other = derive_keys("another-secret-that-is-long-enough")->gossip_key;
  auto wrong = open_envelope_raw(env, other, UnixTime::from_seconds(kNow));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.message(),
            "decryption failed (wrong key?): cipher: message authentication failed");
  PeerAnnouncement v2 = announcement();
  v2.protocol = "wgmesh-v2";
  EXPECT_EQ(open_error(sealed(v2)).message, "unsupported protocol version: wgmesh-v2");
  auto not_object = seal_envelope("ANNOUNCE", "[1]", gossip_key());
  EXPECT_EQ(envelope_error_step(open_error(*not_object)), EnvelopeStep::kParseMetadata);
  auto bad_field = seal_envelope(
      "ANNOUNCE", "{\"protocol\":\"wgmesh-v1\",\"timestamp\":1800000000,\"introducer\":1}",
      gossip_key());
  EXPECT_EQ(open_error(*bad_field).message,
            "failed to unmarshal announcement: json: cannot unmarshal number into Go struct field "
            "PeerAnnouncement.introducer of type bool");
}

TEST(Envelope, FreshnessBoundsAreInclusive) {
  EXPECT_TRUE(open_announcement(sealed(announcement(kNow - 600)), gossip_key(),
                                UnixTime::from_seconds(kNow))
                  .ok());
  EXPECT_TRUE(open_announcement(sealed(announcement(kNow + 600)), gossip_key(),
                                UnixTime::from_seconds(kNow))
                  .ok());
  EXPECT_EQ(open_error(sealed(announcement(kNow - 601))).message, "message too old: 10m1s");
  EXPECT_EQ(open_error(sealed(announcement(kNow + 601))).message, "message timestamp in future");
  // With a fractional clock, exactly 600 s behind floor(now) is too old, 600 s ahead is fine.
  const UnixTime frac{kNow, 500'000'000};
  auto old = open_announcement(sealed(announcement(kNow - 600)), gossip_key(), frac);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.message(), "message too old: 10m0.5s");
  EXPECT_TRUE(open_announcement(sealed(announcement(kNow + 600)), gossip_key(), frac).ok());
  // Extreme timestamps saturate like Go instead of overflowing.
  EXPECT_EQ(open_error(sealed(announcement(INT64_MIN))).message,
            "message too old: 2562047h47m16.854775807s");
  EXPECT_EQ(envelope_error_step(open_error(sealed(announcement(INT64_MAX)))),
            EnvelopeStep::kFreshness);
}

TEST(Envelope, FreshnessOptions) {
  const std::string old = sealed(announcement(kNow - 3000));
  OpenOptions registry;
  registry.max_age_seconds = 3600;
  EXPECT_TRUE(open_announcement(old, gossip_key(), UnixTime::from_seconds(kNow),
                                KnownPeerPolicy::kRejectAnnouncement, registry)
                  .ok());
  OpenOptions unchecked;
  unchecked.check_freshness = false;
  EXPECT_TRUE(open_envelope_raw(sealed(announcement(0)), gossip_key(), UnixTime::from_seconds(kNow),
                                unchecked)
                  .ok());
}

TEST(Envelope, TypeIsNotAuthenticated) {
  const std::string env = sealed(announcement(), "ANNOUNCE");
  std::string retyped = env;
  retyped.replace(retyped.find("ANNOUNCE"), 8, "HELLO");
  auto opened = open_envelope_raw(retyped, gossip_key(), UnixTime::from_seconds(kNow));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->type, "HELLO");
}

TEST(Goodbye, RoundTripAndSixtySecondWindow) {
  GoodbyePayload g;
  g.timestamp = kNow;
  g.wg_pubkey = kKeyA;
  const std::string json = goodbye_to_json(g);
  EXPECT_EQ(json, "{\"protocol\":\"wgmesh-v1\",\"timestamp\":1800000000,\"wg_pubkey\":\"" +
                      std::string(kKeyA) + "\"}");
  EXPECT_EQ(*decode_goodbye(json), g);
  EXPECT_TRUE(goodbye_is_fresh(g, UnixTime::from_seconds(kNow + 60)));
  EXPECT_FALSE(goodbye_is_fresh(g, UnixTime::from_seconds(kNow + 61)));
  EXPECT_TRUE(goodbye_is_fresh(g, UnixTime::from_seconds(kNow - 60)));
  EXPECT_FALSE(goodbye_is_fresh(g, UnixTime::from_seconds(kNow - 61)));
  // A GOODBYE also passes the envelope's generic open.
  auto env = seal_envelope("GOODBYE", json, gossip_key());
  EXPECT_TRUE(open_envelope_raw(*env, gossip_key(), UnixTime::from_seconds(kNow)).ok());
}

TEST(PayloadType, ChecksThePayloadShapeAgainstTheClaimedType) {
  const std::string ann = announcement_to_json(announcement());
  EXPECT_TRUE(check_payload_matches_type("HELLO", ann).ok());
  EXPECT_TRUE(check_payload_matches_type("ANNOUNCE", ann).ok());
  EXPECT_FALSE(check_payload_matches_type("GOODBYE", ann).ok());  // carries mesh_ip
  GoodbyePayload g;
  g.timestamp = kNow;
  g.wg_pubkey = kKeyA;
  EXPECT_TRUE(check_payload_matches_type("GOODBYE", goodbye_to_json(g)).ok());
  EXPECT_FALSE(check_payload_matches_type("HELLO", goodbye_to_json(g)).ok());
  const std::string offer =
      "{\"protocol\":\"wgmesh-v1\",\"timestamp\":1,\"from_pubkey\":\"a\","
      "\"target_pubkey\":\"b\",\"pair_id\":\"9f7f68472bb3fee5\"}";
  EXPECT_TRUE(check_payload_matches_type("RENDEZVOUS_OFFER", offer).ok());
  EXPECT_FALSE(check_payload_matches_type("RENDEZVOUS_START", offer).ok());
  EXPECT_TRUE(check_payload_matches_type(
                  "RENDEZVOUS_START",
                  "{\"protocol\":\"wgmesh-v1\",\"timestamp\":1,\"pair_id\":\"x\",\"peer_pubkey\":"
                  "\"p\",\"peer_candidates\":[\"1.2.3.4:5\"],\"start_at_unix_ms\":1}")
                  .ok());
  EXPECT_FALSE(check_payload_matches_type("BOGUS", ann).ok());
  EXPECT_TRUE(is_known_message_type("RENDEZVOUS_OFFER"));
  EXPECT_FALSE(is_known_message_type("hello"));
}

TEST(RegistryText, EmbedsAndExtractsTheEnvelope) {
  const std::string env = sealed(announcement());
  const std::string body = registry_issue_body(env);
  EXPECT_EQ(body, "wgmesh registry rendezvous point\n\n<!-- PEERS:\n" + env + "\n:PEERS -->");
  auto extracted = registry_envelope_from_body("intro\r\n" + body + "\n\ntrailer");
  ASSERT_TRUE(extracted.has_value());
  EXPECT_EQ(*extracted, env);
  EXPECT_TRUE(open_announcement(*extracted, gossip_key(), UnixTime::from_seconds(kNow)).ok());
  EXPECT_FALSE(registry_envelope_from_body("no markers").has_value());
  EXPECT_FALSE(registry_envelope_from_body(":PEERS --> then <!-- PEERS:").has_value());
  // First start marker, last end marker.
  EXPECT_EQ(*registry_envelope_from_body("<!-- PEERS: a :PEERS --> b :PEERS -->"),
            "a :PEERS --> b");
}

}  // namespace
}  // namespace wgmesh::keys
