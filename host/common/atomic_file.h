// Atomic file replacement: write a temporary file in the same directory, fsync it, rename it
// over the target, fsync the directory. A crash leaves either the old or the new content,
// never a torn file; the mode is set before any byte is written, so secrets never sit in a
// world-readable file even briefly.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace wgmesh {

Status write_file_atomically(const std::string& path, std::string_view content, unsigned mode = 0600);

// Reads a whole file. A missing file gives an Error whose message starts with "not found:".
Result<std::string> read_file(const std::string& path);

// Creates a directory (and parents) and forces its mode (e.g. 0700 for state).
Status ensure_directory(const std::string& path, unsigned mode = 0700);

}  // namespace wgmesh
