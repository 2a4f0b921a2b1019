// OpenSSL's AES-256-GCM, loaded on first use. Envelopes use libsodium's AES-256-GCM on every
// CPU with AES-NI + PCLMUL; OpenSSL is only the fallback for CPUs without them. Linking
// libcrypto directly maps and relocates ~1.4 MB of it into every daemon at start-up (most
// of wgmeshd's resident memory that is not its own), so it is dlopen'ed only when needed.
#pragma once

#include <openssl/evp.h>

namespace wgmesh::keys {

// The entry points the fallback uses, typed from OpenSSL's own declarations.
struct OpenSslGcm {
  decltype(&EVP_CIPHER_CTX_new) ctx_new;
  decltype(&EVP_CIPHER_CTX_free) ctx_free;
  decltype(&EVP_CIPHER_CTX_ctrl) ctx_ctrl;
  decltype(&EVP_aes_256_gcm) aes_256_gcm;
  decltype(&EVP_EncryptInit_ex) encrypt_init;
  decltype(&EVP_EncryptUpdate) encrypt_update;
  decltype(&EVP_EncryptFinal_ex) encrypt_final;
  decltype(&EVP_DecryptInit_ex) decrypt_init;
  decltype(&EVP_DecryptUpdate) decrypt_update;
  decltype(&EVP_DecryptFinal_ex) decrypt_final;
};

// The loaded table, or nullptr if libcrypto (3.x) cannot be loaded; the first call loads it
// (thread-safe), later calls return the same table. The library stays loaded.
const OpenSslGcm* openssl_gcm();

}  // namespace wgmesh::keys
