#include "wireguard/public_key_memo.h"

#include <sodium.h>

namespace wgmesh::wg {

Key PublicKeyMemo::public_of(const Key& private_key) {
  std::array<uint8_t, 32> digest{};
  crypto_generichash(digest.data(), digest.size(), private_key.data(), kKeyLen, nullptr, 0);
  if (private_digest_ && sodium_memcmp(private_digest_->data(), digest.data(), digest.size()) == 0)
    return public_key_;
  public_key_ = private_key.public_key();
  private_digest_ = digest;
  ++derivations_;
  return public_key_;
}

}  // namespace wgmesh::wg
