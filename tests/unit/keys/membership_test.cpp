// Membership tokens (crypto.md §7; §11 "Membership").
#include "keys/membership.h"

#include <gtest/gtest.h>

namespace wgmesh::keys {
namespace {

const Bytes kKey(32, 0x11);
const Bytes kOtherKey(32, 0x22);
constexpr std::string_view kPubkey = "35VcJ4vOc15vdCi2WaUniV8r4nq6kuzgoj2vEbyWxFY=";

TEST(MembershipToken, ThirtyTwoBytesStableWithinTheHour) {
  const UnixTime t = UnixTime::from_seconds(1800000000);
  const MembershipToken a = membership_token_at(kKey, as_bytes(kPubkey), t);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a, membership_token_at(kKey, as_bytes(kPubkey), UnixTime::from_seconds(1800000001)));
  EXPECT_NE(a, membership_token_at(kKey, as_bytes("other-pubkey"), t));
}

TEST(MembershipToken, ValidatesCurrentPreviousAndNextHourOnly) {
  const UnixTime t = UnixTime::from_seconds(1800000000);
  const MembershipToken token = membership_token_at(kKey, as_bytes(kPubkey), t);
  EXPECT_TRUE(validate_membership_token(kKey, as_bytes(kPubkey), token, t));
  EXPECT_TRUE(validate_membership_token(kKey, as_bytes(kPubkey), token,
                                        UnixTime::from_seconds(t.seconds + 3600)));
  EXPECT_TRUE(validate_membership_token(kKey, as_bytes(kPubkey), token,
                                        UnixTime::from_seconds(t.seconds - 3600)));
  EXPECT_FALSE(validate_membership_token(kKey, as_bytes(kPubkey), token,
                                         UnixTime::from_seconds(t.seconds + 7200)));
  EXPECT_FALSE(validate_membership_token(kKey, as_bytes("wrong-pubkey"), token, t));
  EXPECT_FALSE(validate_membership_token(kOtherKey, as_bytes(kPubkey), token, t));
  EXPECT_FALSE(validate_membership_token(kKey, as_bytes(kPubkey), {}, t));
  EXPECT_FALSE(validate_membership_token(kKey, as_bytes(kPubkey), Bytes(5, 1), t));
}

TEST(MembershipToken, PerEpochFunctionIsDeterministicAndChangesWithTheEpoch) {
  EXPECT_EQ(membership_token(kKey, as_bytes(kPubkey), 100),
            membership_token(kKey, as_bytes(kPubkey), 100));
  EXPECT_NE(membership_token(kKey, as_bytes(kPubkey), 100),
            membership_token(kKey, as_bytes(kPubkey), 101));
  EXPECT_EQ(as_text(membership_mac_input(as_bytes("pk"), -5)), "pk|-5");
}

}  // namespace
}  // namespace wgmesh::keys
