#include "keys/openssl_loader.h"

#include <dlfcn.h>

namespace wgmesh::keys {
namespace {

template <typename Fn>
bool resolve(void* lib, const char* name, Fn& out) {
  out = reinterpret_cast<Fn>(dlsym(lib, name));
  return out != nullptr;
}

OpenSslGcm load() {
  OpenSslGcm t{};
  // The SONAME Debian 12's libssl3 ships; the unversioned name only exists with -dev files.
  void* lib = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
  if (!lib) lib = dlopen("libcrypto.so", RTLD_NOW | RTLD_LOCAL);
  if (!lib) return t;
  bool ok = resolve(lib, "EVP_CIPHER_CTX_new", t.ctx_new) &&
            resolve(lib, "EVP_CIPHER_CTX_free", t.ctx_free) &&
            resolve(lib, "EVP_CIPHER_CTX_ctrl", t.ctx_ctrl) &&
            resolve(lib, "EVP_aes_256_gcm", t.aes_256_gcm) &&
            resolve(lib, "EVP_EncryptInit_ex", t.encrypt_init) &&
            resolve(lib, "EVP_EncryptUpdate", t.encrypt_update) &&
            resolve(lib, "EVP_EncryptFinal_ex", t.encrypt_final) &&
            resolve(lib, "EVP_DecryptInit_ex", t.decrypt_init) &&
            resolve(lib, "EVP_DecryptUpdate", t.decrypt_update) &&
            resolve(lib, "EVP_DecryptFinal_ex", t.decrypt_final);
  if (!ok) {
    dlclose(lib);
    return OpenSslGcm{};
  }
  return t;
}

}  // namespace

const OpenSslGcm* openssl_gcm() {
  static const OpenSslGcm table = load();  // C++ guarantees one thread-safe initialisation
  return table.ctx_new ? &table : nullptr;
}

}  // namespace wgmesh::keys
