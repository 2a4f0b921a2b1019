#include "keys/password_prompt.h"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <string>

namespace wgmesh::keys {

namespace {

// Go's syscall errors are lowercase ("inappropriate ioctl for device"); glibc capitalises.
Error errno_error(int err) {
  std::string text = std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return Error{text};
}

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // best effort: the prompt is cosmetic
    text.remove_prefix(static_cast<size_t>(n));
  }
}

// Restores the terminal state on every exit path.
class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd) {}
  Status enable() {
    if (::tcgetattr(fd_, &saved_) != 0) return errno_error(errno);
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ICANON | ISIG;
    quiet.c_iflag |= ICRNL;
    if (::tcsetattr(fd_, TCSANOW, &quiet) != 0) return errno_error(errno);
    active_ = true;
    return Status::Ok();
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(fd_, TCSANOW, &saved_);
  }

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

Result<SecureBytes> read_one(std::string_view prompt, const PasswordPromptIo& io) {
  write_all(io.output_fd, prompt);
  Result<SecureBytes> result = Error{""};
  {
    EchoOff echo_off(io.input_fd);
    Status st = io.require_terminal ? echo_off.enable() : Status::Ok();
    result = st.ok() ? read_password_line(io.input_fd) : Result<SecureBytes>(st.error());
  }
  write_all(io.output_fd, "\n");  // the user's Enter was not echoed
  return result;
}

}  // namespace

Result<SecureBytes> read_password_line(int fd) {
  // Grows in wiped buffers: a password must not linger in reallocated memory.
  SecureBytes line(64);
  size_t length = 0;
  while (true) {
    uint8_t byte = 0;
    const ssize_t n = ::read(fd, &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error(errno);
    if (n == 0) {
      if (length > 0) break;
      return Error{"EOF"};
    }
    if (byte == '\n') break;
    if (byte == '\r') continue;
    if (byte == '\b') {
      if (length > 0) --length;
      continue;
    }
    if (length == line.size()) {
      SecureBytes bigger(line.size() * 2);
      std::copy_n(line.data(), length, bigger.data());
      line = std::move(bigger);
    }
    line.data()[length++] = byte;
  }
  return SecureBytes(line.view().first(length));
}

Result<SecureBytes> read_password(std::string_view prompt, bool confirm,
                                  const PasswordPromptIo& io) {
  auto first = read_one(prompt, io);
  if (!first.ok() || !confirm) return first;
  auto second = read_one(kConfirmPasswordPrompt, io);
  if (!second.ok()) return second;
  if (!first->equals(second->view())) return Error{"passwords do not match"};
  return first;
}

}  // namespace wgmesh::keys
