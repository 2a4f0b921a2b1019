#include "core/unix_listener.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wgmesh::rpc {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

bool fill_addr(const std::string& path, sockaddr_un& addr) {
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return true;
}

std::string parent_dir(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// mkdir -p with mode 0755 for the components that do not exist (the original created the
// socket's parent directory with 0755).
bool make_dirs(const std::string& dir, std::string& error) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return true;
    error = dir + " exists and is not a directory";
    return false;
  }
  if (errno != ENOENT) {
    error = "cannot access " + dir + ": " + errno_text(errno);
    return false;
  }
  std::string up = parent_dir(dir);
  if (up != dir && !make_dirs(up, error)) return false;
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    error = "cannot create directory " + dir + ": " + errno_text(errno);
    return false;
  }
  return true;
}

// Moves the bound socket into place without ever replacing anything: renameat2 with
// RENAME_NOREPLACE, or link()+unlink() where the file system lacks that flag. Both fail
// with EEXIST if another process created the path since we checked it.
int move_into_place(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  if (::link(from.c_str(), to.c_str()) != 0) return errno;
  ::unlink(from.c_str());
  return 0;
}

// The private directory the socket is born in; removed (with its content) on scope exit.
class PrivateDir {
 public:
  explicit PrivateDir(const std::string& parent) {
    std::string tmpl = (parent == "/" ? std::string() : parent) + "/.wgmesh-rpc-XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;  // mkdtemp creates it mode 0700
  }
  ~PrivateDir() {
    if (path_.empty()) return;
    ::unlink(socket_path().c_str());
    ::rmdir(path_.c_str());
  }
  PrivateDir(const PrivateDir&) = delete;
  PrivateDir& operator=(const PrivateDir&) = delete;
  bool ok() const { return !path_.empty(); }
  std::string socket_path() const { return path_ + "/s"; }

 private:
  std::string path_;
};

}  // namespace

PathState probe_socket_path(const std::string& path, std::string* detail) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return PathState::kAbsent;
    if (detail) *detail = errno_text(errno);
    return PathState::kUnknown;
  }
  if (!S_ISSOCK(st.st_mode)) return PathState::kNotSocket;
  sockaddr_un addr{};
  if (!fill_addr(path, addr)) {
    if (detail) *detail = "path too long for a Unix socket";
    return PathState::kUnknown;
  }
  UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!probe) {
    if (detail) *detail = errno_text(errno);
    return PathState::kUnknown;
  }
  if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0)
    return PathState::kLiveSocket;
  switch (errno) {
    case EAGAIN:  // a listener whose backlog is full is very much alive
    case EINPROGRESS:
      return PathState::kLiveSocket;
    case ECONNREFUSED:  // nobody listens: left behind by a daemon that died
      return PathState::kStaleSocket;
    case ENOENT:
      return PathState::kAbsent;
    default:
      if (detail) *detail = errno_text(errno);
      return PathState::kUnknown;
  }
}

// Why a private directory instead of umask or fchmod: the socket file's mode is fixed at
// bind() from the process umask, and umask is process-wide — changing it around bind()
// races with every other thread (libuv's worker pool) creating files meanwhile. fchmod()
// on a socket fd changes the socket inode, not the file bind() creates. So the socket is
// bound inside a fresh mode-0700 directory (nobody else can reach it there), given its
// final mode and group, made to listen, and only then moved to the public path in one
// atomic step that also refuses to replace anything.
bool create_listening_socket(const ListenOptions& opts, ListeningSocket& out, std::string& error) {
  const std::string& path = opts.path;
  sockaddr_un addr{};
  if (!fill_addr(path, addr)) {
    error = "invalid socket path '" + path + "' (empty or longer than " +
            std::to_string(sizeof addr.sun_path - 1) + " bytes)";
    return false;
  }
  std::string dir = parent_dir(path);
  if (!make_dirs(dir, error)) return false;

  std::string detail;
  switch (probe_socket_path(path, &detail)) {
    case PathState::kAbsent:
      break;
    case PathState::kLiveSocket:
      error = "another process is already serving " + path +
              " (is wgmeshd already running?); refusing to replace a live socket";
      return false;
    case PathState::kNotSocket:
      error = "path exists but is not a socket: " + path + " (refusing to remove it)";
      return false;
    case PathState::kStaleSocket:
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        error = "failed to remove stale socket " + path + ": " + errno_text(errno);
        return false;
      }
      break;
    case PathState::kUnknown:
      error = "cannot check existing " + path + ": " + detail;
      return false;
  }

  PrivateDir private_dir(dir);
  if (!private_dir.ok()) {
    error = "cannot create a private directory in " + dir + ": " + errno_text(errno);
    return false;
  }
  std::string tmp = private_dir.socket_path();
  sockaddr_un tmp_addr{};
  if (!fill_addr(tmp, tmp_addr)) {
    error = "socket path '" + path + "' is too long (no room for the temporary name)";
    return false;
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) {
    error = std::string("socket(AF_UNIX): ") + errno_text(errno);
    return false;
  }
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&tmp_addr), sizeof tmp_addr) != 0) {
    error = "cannot bind socket in " + dir + ": " + errno_text(errno);
    return false;
  }
  if (opts.group && ::lchown(tmp.c_str(), static_cast<uid_t>(-1), *opts.group) != 0) {
    error = "cannot give socket " + path + " group " + std::to_string(*opts.group) + ": " +
            errno_text(errno);
    return false;
  }
  if (::chmod(tmp.c_str(), opts.group ? 0660 : 0600) != 0) {
    error = "cannot set mode of socket " + path + ": " + errno_text(errno);
    return false;
  }
  if (::listen(fd.get(), opts.backlog) != 0) {
    error = "cannot listen on " + path + ": " + errno_text(errno);
    return false;
  }
  if (int err = move_into_place(tmp, path); err != 0) {
    error = err == EEXIST ? path + " appeared while starting (another daemon?); not replacing it"
                          : "cannot move socket to " + path + ": " + errno_text(err);
    return false;
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    error = "socket " + path + " vanished after creation: " + errno_text(errno);
    return false;
  }
  out.fd = std::move(fd);
  out.path = path;
  out.dev = st.st_dev;
  out.ino = st.st_ino;
  return true;
}

bool remove_socket_file(const ListeningSocket& sock) {
  if (sock.path.empty()) return false;
  struct stat st {};
  if (::lstat(sock.path.c_str(), &st) != 0) return false;
  if (!S_ISSOCK(st.st_mode) || st.st_dev != sock.dev || st.st_ino != sock.ino) return false;
  return ::unlink(sock.path.c_str()) == 0;
}

}  // namespace wgmesh::rpc
