#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace wgmesh {
namespace {
std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

// Closes an fd on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};
}  // namespace

Status write_file_atomically(const std::string& path, std::string_view content, unsigned mode) {
  std::filesystem::path target(path);
  std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  std::random_device rd;
  std::string name = ".";
  name += target.filename().string();
  name += ".tmp-";
  name += std::to_string(rd());
  std::string tmp = (dir / name).string();
  Fd file;
  file.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (file.fd < 0) return Error{errno_text("cannot create " + tmp)};
  ::fchmod(file.fd, mode);  // umask must not loosen or tighten what we asked for
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(file.fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e{errno_text("cannot write " + tmp)};
      ::unlink(tmp.c_str());
      return e;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(file.fd) != 0) {
    Error e{errno_text("cannot sync " + tmp)};
    ::unlink(tmp.c_str());
    return e;
  }
  ::close(file.fd);
  file.fd = -1;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e{errno_text("cannot replace " + path)};
    ::unlink(tmp.c_str());
    return e;
  }
  Fd d;
  d.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d.fd >= 0) ::fsync(d.fd);  // make the rename itself durable
  return {};
}

Result<std::string> read_file(const std::string& path) {
  Fd file;
  file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (file.fd < 0) {
    if (errno == ENOENT) return Error{"not found: " + path};
    return Error{errno_text("cannot read " + path)};
  }
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(file.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{errno_text("cannot read " + path)};
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Status ensure_directory(const std::string& path, unsigned mode) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Error{"cannot create directory " + path + ": " + ec.message()};
  if (::chmod(path.c_str(), mode) != 0) return Error{errno_text("cannot chmod " + path)};
  return {};
}

}  // namespace wgmesh
