// Containers for secret material: the mesh secret, derived keys, the PSK, private keys and
// passwords. Their storage is wiped with sodium_memzero when released so secrets do not
// linger in freed memory (crypto.md §13.4); heap buffers are also mlock()ed, best effort, so
// they are not written to swap.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "common/result.h"
#include "keys/bytes.h"

namespace wgmesh::keys {

// Wipes `bytes` in a way the compiler may not optimise away.
void secure_wipe(std::span<uint8_t> bytes);

// Constant-time equality of two byte strings (length is not secret).
bool constant_time_equal(ByteView a, ByteView b);

// Variable-length secret buffer on the heap: zero-filled on creation, locked in RAM when the
// system allows it, wiped on destruction, on move-from and on reassignment.
class SecureBytes {
 public:
  SecureBytes() = default;
  explicit SecureBytes(size_t size);
  explicit SecureBytes(ByteView bytes);
  static SecureBytes from_text(std::string_view text) { return SecureBytes(as_bytes(text)); }

  SecureBytes(const SecureBytes& other);
  SecureBytes& operator=(const SecureBytes& other);
  SecureBytes(SecureBytes&& other) noexcept;
  SecureBytes& operator=(SecureBytes&& other) noexcept;
  ~SecureBytes();

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  ByteView view() const { return {data_.get(), size_}; }
  std::span<uint8_t> writable() { return {data_.get(), size_}; }
  // The bytes as text, for secrets that are text (mesh secret, passwords, base64 keys).
  std::string_view text() const { return as_text(view()); }

  // Constant-time comparison with another byte string.
  bool equals(ByteView other) const { return constant_time_equal(view(), other); }

 private:
  void release() noexcept;

  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  bool locked_ = false;
};

// Fixed-size secret (32-byte keys). Lives inline, so it is not mlock()ed (locking pages of
// the stack or of a containing object is not meaningful), but it is wiped on destruction.
template <size_t N>
class SecretArray {
 public:
  static constexpr size_t kSize = N;

  SecretArray() { bytes_.fill(0); }
  explicit SecretArray(std::span<const uint8_t, N> bytes) {
    std::copy(bytes.begin(), bytes.end(), bytes_.begin());
  }
  static Result<SecretArray> from_bytes(ByteView bytes) {
    if (bytes.size() != N) {
      return Error{"expected " + std::to_string(N) + " key bytes, got " +
                   std::to_string(bytes.size())};
    }
    return SecretArray(std::span<const uint8_t, N>(bytes.data(), N));
  }

  SecretArray(const SecretArray&) = default;
  SecretArray& operator=(const SecretArray&) = default;
  ~SecretArray() { secure_wipe(bytes_); }

  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  static constexpr size_t size() { return N; }
  ByteView view() const { return bytes_; }
  std::span<uint8_t, N> writable() { return bytes_; }

  bool equals(ByteView other) const { return constant_time_equal(view(), other); }

 private:
  std::array<uint8_t, N> bytes_;
};

using Key32 = SecretArray<32>;

}  // namespace wgmesh::keys
