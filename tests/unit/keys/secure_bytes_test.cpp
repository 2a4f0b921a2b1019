// Secret containers: value semantics, constant-time comparison, wiping.
#include "keys/secure_bytes.h"

#include <gtest/gtest.h>

namespace wgmesh::keys {
namespace {

TEST(SecureBytes, CopiesAreDeepAndMovesEmptyTheSource) {
  SecureBytes a = SecureBytes::from_text("secret");
  SecureBytes b = a;
  EXPECT_EQ(b.text(), "secret");
  b.writable()[0] = 'S';
  EXPECT_EQ(a.text(), "secret");
  SecureBytes c = std::move(a);
  EXPECT_EQ(c.text(), "secret");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): documented state
  c = std::move(b);
  EXPECT_EQ(c.text(), "Secret");
  c = c;  // self-assignment is harmless
  EXPECT_EQ(c.text(), "Secret");
}

TEST(SecureBytes, ZeroFilledOnCreationAndComparesInConstantTime) {
  SecureBytes zeros(8);
  EXPECT_TRUE(zeros.equals(Bytes(8, 0)));
  EXPECT_FALSE(zeros.equals(Bytes(7, 0)));
  EXPECT_TRUE(SecureBytes().empty());
  EXPECT_TRUE(SecureBytes().equals({}));
}

TEST(SecureWipe, ZeroesTheBuffer) {
  Bytes buffer = {1, 2, 3, 4};
  secure_wipe(buffer);
  EXPECT_EQ(buffer, Bytes(4, 0));
  secure_wipe({});  // empty spans are fine
}

TEST(SecretArray, SizeIsChecked) {
  EXPECT_TRUE(Key32::from_bytes(Bytes(32, 1)).ok());
  auto wrong = Key32::from_bytes(Bytes(31, 1));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.message(), "expected 32 key bytes, got 31");
  Key32 k;
  EXPECT_TRUE(k.equals(Bytes(32, 0)));
}

}  // namespace
}  // namespace wgmesh::keys
