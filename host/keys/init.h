// One-time libsodium initialisation. Every public entry point of the keys library that
// touches libsodium calls init() first, so users never have to remember sodium_init().
#pragma once

#include "common/result.h"

namespace wgmesh::keys {

// Initialises libsodium exactly once (thread-safe, idempotent). Fails only if libsodium
// cannot initialise (no usable entropy source), in which case no cryptography is safe.
Status init();

// Like init() but for internal code paths that cannot report an error: aborts the process
// if libsodium cannot be initialised, because continuing would mean using an unseeded RNG.
void init_or_die();

}  // namespace wgmesh::keys
