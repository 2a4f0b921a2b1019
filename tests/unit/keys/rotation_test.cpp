// Secret rotation (crypto.md §8; §11 "Rotation").
#include "keys/rotation.h"

#include <gtest/gtest.h>

#include "keys/derived_keys.h"
#include "keys/go_duration.h"

namespace wgmesh::keys {
namespace {

constexpr int64_t kNow = 1800000000;

Key32 old_key() { return derive_keys("test-secret-that-is-long-enough")->membership_key; }

RotationAnnouncement make(int64_t grace_seconds = 86400) {
  return make_rotation_announcement(old_key().view(), "the-new-secret-value",
                                    grace_seconds * kNanosPerSecond, UnixTime::from_seconds(kNow));
}

TEST(RotationAnnouncement, ShapeAndSignature) {
  const RotationAnnouncement a = make(3600);
  EXPECT_EQ(a.new_secret_hash.size(), 32u);
  EXPECT_EQ(a.grace_period_seconds, 3600);
  EXPECT_EQ(a.signature.size(), 32u);
  EXPECT_EQ(
      make_rotation_announcement(old_key().view(), "x", 1'500'000'000, UnixTime::from_seconds(kNow))
          .grace_period_seconds,
      1);  // fractional seconds truncated
}

TEST(RotationAnnouncement, ValidatesWithTheOldKeyOnlyAndWithinAnHour) {
  const RotationAnnouncement a = make();
  EXPECT_TRUE(validate_rotation_announcement(old_key().view(), a, UnixTime::from_seconds(kNow)));
  const Key32 other = derive_keys("another-secret-that-is-long-enough")->membership_key;
  EXPECT_FALSE(validate_rotation_announcement(other.view(), a, UnixTime::from_seconds(kNow)));
  EXPECT_TRUE(
      validate_rotation_announcement(old_key().view(), a, UnixTime::from_seconds(kNow + 3600)));
  EXPECT_FALSE(
      validate_rotation_announcement(old_key().view(), a, UnixTime::from_seconds(kNow + 3601)));
  EXPECT_TRUE(
      validate_rotation_announcement(old_key().view(), a, UnixTime::from_seconds(kNow - 3600)));
  EXPECT_FALSE(
      validate_rotation_announcement(old_key().view(), a, UnixTime::from_seconds(kNow - 3601)));
  RotationAnnouncement tampered = a;
  tampered.grace_period_seconds += 1;
  EXPECT_FALSE(
      validate_rotation_announcement(old_key().view(), tampered, UnixTime::from_seconds(kNow)));
}

TEST(RotationAnnouncement, VerifyNewSecretAndJsonRoundTrip) {
  const RotationAnnouncement a = make();
  EXPECT_TRUE(verify_new_secret("the-new-secret-value", a));
  EXPECT_FALSE(verify_new_secret("some-other-secret", a));
  auto back = decode_rotation_announcement(rotation_announcement_to_json(a));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, a);
  EXPECT_EQ(rotation_announcement_to_json(RotationAnnouncement{}),
            "{\"new_secret_hash\":null,\"grace_period\":0,\"timestamp\":0,\"signature\":null}");
}

RotationState state(int64_t grace_nanos, bool completed = false) {
  RotationState s;
  s.old_secret = SecureBytes::from_text("old-secret");
  s.new_secret = SecureBytes::from_text("new-secret");
  s.grace_period_nanos = grace_nanos;
  s.started_at = GoTime{kNow, 0, 0};
  s.completed = completed;
  return s;
}

TEST(RotationState, GracePeriodLogic) {
  const RotationState fresh = state(3600 * kNanosPerSecond);
  EXPECT_TRUE(rotation_in_grace_period(fresh, UnixTime::from_seconds(kNow + 10)));
  EXPECT_FALSE(rotation_should_complete(fresh, UnixTime::from_seconds(kNow + 10)));
  EXPECT_TRUE(rotation_should_complete(fresh, UnixTime::from_seconds(kNow + 3600)));
  const RotationState done = state(3600 * kNanosPerSecond, true);
  EXPECT_FALSE(rotation_in_grace_period(done, UnixTime::from_seconds(kNow + 10)));
  EXPECT_FALSE(rotation_should_complete(done, UnixTime::from_seconds(kNow + 7200)));
}

TEST(RotationState, JsonUsesGoDurationTextExactlyOnce) {
  for (int64_t grace : {int64_t{5400}, int64_t{86400}, int64_t{45}}) {
    const RotationState s = state(grace * kNanosPerSecond, grace == 45);
    const std::string json = *rotation_state_to_json(s);
    size_t count = 0;
    for (size_t pos = json.find("\"grace_period\":\""); pos != std::string::npos;
         pos = json.find("\"grace_period\":\"", pos + 1)) {
      ++count;
    }
    EXPECT_EQ(count, 1u) << json;
    auto back = decode_rotation_state(json);
    ASSERT_TRUE(back.ok()) << back.message();
    EXPECT_EQ(back->grace_period_nanos, s.grace_period_nanos);
    EXPECT_EQ(back->old_secret.text(), "old-secret");
    EXPECT_EQ(back->new_secret.text(), "new-secret");
    EXPECT_EQ(back->started_at, s.started_at);
    EXPECT_EQ(back->completed, s.completed);
  }
  EXPECT_EQ(*rotation_state_to_json(state(5400 * kNanosPerSecond)),
            "{\"old_secret\":\"old-secret\",\"new_secret\":\"new-secret\",\"grace_period\":"
            "\"1h30m0s\",\"started_at\":\"2027-01-15T08:00:00Z\",\"completed\":false}");
}

TEST(RotationState, GracePeriodParsing) {
  auto bad = decode_rotation_state("{\"grace_period\":\"invalid\"}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.message(), "invalid grace_period duration: time: invalid duration \"invalid\"");
  EXPECT_EQ(decode_rotation_state("{\"old_secret\":\"a\"}")->grace_period_nanos, 0);
  EXPECT_EQ(decode_rotation_state("{\"grace_period\":\"\"}")->grace_period_nanos, 0);
  auto wrong_type = decode_rotation_state("{\"grace_period\":5}");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.message().rfind("failed to unmarshal rotation state: ", 0), 0u);
  EXPECT_FALSE(decode_rotation_state("{\"started_at\":\"yesterday\"}").ok());
  EXPECT_TRUE(decode_rotation_state("{\"started_at\":null}").ok());
}

}  // namespace
}  // namespace wgmesh::keys
