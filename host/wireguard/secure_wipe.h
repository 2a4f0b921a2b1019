// Wiping secrets from memory once they are no longer needed.
// Private keys and preshared keys pass through text buffers (UAPI hex lines, base64); those
// buffers are wiped explicitly so a later heap disclosure or core dump does not reveal them.
#pragma once

#include <cstddef>
#include <string>

namespace wgmesh::wg {

// Zeroes all of `s` up to its capacity (a shrunk string still holds old bytes there) in a way
// the optimiser may not remove, then clears it.
void wipe(std::string& s);
void wipe(void* data, std::size_t size);

// Wipes the referenced string when the scope ends, whichever way it ends.
class ScopedWipe {
 public:
  explicit ScopedWipe(std::string& s) : s_(s) {}
  ~ScopedWipe() { wipe(s_); }
  ScopedWipe(const ScopedWipe&) = delete;
  ScopedWipe& operator=(const ScopedWipe&) = delete;

 private:
  std::string& s_;
};

}  // namespace wgmesh::wg
