// Interactive password entry for the state-file password (crypto.md §9.4), behaving like
// Go's golang.org/x/term.ReadPassword as the reference uses it: prompt on stderr, read from
// a terminal on stdin with echo off (canonical mode, signals and CR->NL kept), LF ends the
// line, CR bytes are dropped, BS (0x08) deletes the previous byte, EOF after at least one
// byte ends the password, EOF with nothing read is an error; a newline is written to stderr
// after each read, also on error.
#pragma once

#include <string_view>

#include "common/result.h"
#include "keys/secure_bytes.h"

namespace wgmesh::keys {

inline constexpr std::string_view kConfirmPasswordPrompt = "Confirm password: ";

struct PasswordPromptIo {
  int input_fd = 0;   // stdin
  int output_fd = 2;  // stderr
  // Reference behaviour: fail unless input is a terminal. Tests turn this off to feed pipes.
  bool require_terminal = true;
};

// Reads a password after `prompt`; with `confirm`, asks again with "Confirm password: " and
// fails with "passwords do not match" if the two differ.
Result<SecureBytes> read_password(std::string_view prompt, bool confirm,
                                  const PasswordPromptIo& io = {});

// The line discipline alone: reads one password line from `fd` (no terminal handling).
Result<SecureBytes> read_password_line(int fd);

}  // namespace wgmesh::keys
