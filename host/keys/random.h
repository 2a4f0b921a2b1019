// Source of random bytes for nonces, salts, secrets and private keys. Production code uses
// the libsodium CSPRNG; tests inject a deterministic source so recorded vectors (nonces,
// salts, generated secrets) can be reproduced byte for byte (crypto.md §13.1).
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "keys/bytes.h"

namespace wgmesh::keys {

// Fills the span with random bytes. Must not fail (the CSPRNG cannot).
using RandomSource = std::function<void(std::span<uint8_t>)>;

// libsodium's randombytes_buf (initialises libsodium on first use).
void system_random(std::span<uint8_t> out);

// A RandomSource that replays `bytes` in order, then repeats them; for tests and vectors.
RandomSource replay_random(Bytes bytes);

}  // namespace wgmesh::keys
