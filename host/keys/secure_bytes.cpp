#include "keys/secure_bytes.h"

#include <sodium.h>

#include <algorithm>
#include <utility>

namespace wgmesh::keys {

void secure_wipe(std::span<uint8_t> bytes) {
  if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
}

bool constant_time_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

SecureBytes::SecureBytes(size_t size) : size_(size) {
  if (size_ == 0) return;
  data_ = std::make_unique<uint8_t[]>(size_);  // value-initialised: zero-filled
  // Best effort: mlock fails without CAP_IPC_LOCK beyond RLIMIT_MEMLOCK; the buffer is still
  // wiped on release, which is the property that matters most.
  locked_ = sodium_mlock(data_.get(), size_) == 0;
}

SecureBytes::SecureBytes(ByteView bytes) : SecureBytes(bytes.size()) {
  std::copy(bytes.begin(), bytes.end(), data_.get());
}

SecureBytes::SecureBytes(const SecureBytes& other) : SecureBytes(other.view()) {}

SecureBytes& SecureBytes::operator=(const SecureBytes& other) {
  if (this != &other) *this = SecureBytes(other);
  return *this;
}

SecureBytes::SecureBytes(SecureBytes&& other) noexcept
    : data_(std::move(other.data_)),
      size_(std::exchange(other.size_, 0)),
      locked_(std::exchange(other.locked_, false)) {}

SecureBytes& SecureBytes::operator=(SecureBytes&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    locked_ = std::exchange(other.locked_, false);
  }
  return *this;
}

SecureBytes::~SecureBytes() { release(); }

void SecureBytes::release() noexcept {
  if (data_) {
    // sodium_munlock() wipes before unlocking; wipe explicitly when the lock failed.
    if (locked_) {
      sodium_munlock(data_.get(), size_);
    } else {
      sodium_memzero(data_.get(), size_);
    }
    data_.reset();
  }
  size_ = 0;
  locked_ = false;
}

}  // namespace wgmesh::keys
