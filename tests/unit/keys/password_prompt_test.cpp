// Password entry (crypto.md §9.4), driven through pipes.
#include "keys/password_prompt.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace wgmesh::keys {
namespace {

// A pipe pre-filled with `input` (closed for writing, so reads end in EOF).
class InputPipe {
 public:
  explicit InputPipe(std::string_view input) {
    EXPECT_EQ(::pipe(fds_), 0);
    EXPECT_EQ(::write(fds_[1], input.data(), input.size()), static_cast<ssize_t>(input.size()));
    ::close(fds_[1]);
  }
  ~InputPipe() { ::close(fds_[0]); }
  int fd() const { return fds_[0]; }

 private:
  int fds_[2] = {-1, -1};
};

// Captures what the prompt writes.
class OutputPipe {
 public:
  OutputPipe() { EXPECT_EQ(::pipe(fds_), 0); }
  ~OutputPipe() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  int fd() const { return fds_[1]; }
  std::string drain() {
    ::close(fds_[1]);
    fds_[1] = -1;
    std::string out;
    char buf[256];
    ssize_t n;
    while ((n = ::read(fds_[0], buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }

 private:
  int fds_[2] = {-1, -1};
};

std::string line_of(std::string_view input) {
  InputPipe in(input);
  auto r = read_password_line(in.fd());
  return r.ok() ? std::string(r->text()) : "error: " + r.message();
}

TEST(PasswordLine, GoLineDiscipline) {
  EXPECT_EQ(line_of("secret\nrest"), "secret");
  EXPECT_EQ(line_of("se\rcret\r\n"), "secret");      // CR dropped
  EXPECT_EQ(line_of("secx\bret\n"), "secret");       // BS deletes the previous byte
  EXPECT_EQ(line_of("\b\bsecret\n"), "secret");      // BS on an empty line is harmless
  EXPECT_EQ(line_of("  spaced  \n"), "  spaced  ");  // no trimming
  EXPECT_EQ(line_of("no-newline"), "no-newline");    // EOF after bytes ends the password
  EXPECT_EQ(line_of(""), "error: EOF");
  EXPECT_EQ(line_of("\n"), "");
  EXPECT_EQ(line_of(std::string(300, 'x') + "\n"), std::string(300, 'x'));
}

TEST(PasswordPrompt, RequiresATerminal) {
  InputPipe in("secret\n");
  OutputPipe out;
  auto r = read_password("Enter encryption password: ", false, {in.fd(), out.fd(), true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "inappropriate ioctl for device");
  EXPECT_EQ(out.drain(), "Enter encryption password: \n");  // newline written even on error
}

TEST(PasswordPrompt, ConfirmationMustMatch) {
  {
    InputPipe in("pw1\npw1\n");
    OutputPipe out;
    auto r = read_password("Enter encryption password: ", true, {in.fd(), out.fd(), false});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->text(), "pw1");
    EXPECT_EQ(out.drain(), "Enter encryption password: \nConfirm password: \n");
  }
  InputPipe in("pw1\npw2\n");
  OutputPipe out;
  auto r = read_password("Enter encryption password: ", true, {in.fd(), out.fd(), false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "passwords do not match");
}

}  // namespace
}  // namespace wgmesh::keys
