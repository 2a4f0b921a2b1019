#include "wgmesh/dht/nodes_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace wgmesh::dht {

namespace {

std::string errno_text(const std::string& what, const std::filesystem::path& p) {
  return what + " " + p.string() + ": " + std::strerror(errno);
}

// Closes the descriptor on every path out of a function.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }

 private:
  int fd_;
};

bool write_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string nodes_file_name(std::string_view iface, std::span<const uint8_t> network_id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (size_t i = 0; i < 8 && i < network_id.size(); ++i) {
    hex.push_back(kDigits[network_id[i] >> 4]);
    hex.push_back(kDigits[network_id[i] & 15]);
  }
  return std::string(iface) + "-" + hex + "-dht.nodes";
}

std::string serialize_nodes(std::span<const NodeInfo> nodes) {
  std::string out;
  out.reserve(nodes.size() * kNodesFileRecord);
  for (const auto& n : nodes) {
    out += n.id.raw();
    uint8_t ip[16] = {};
    if (n.ep.is_v4()) {
      ip[10] = ip[11] = 0xff;
      std::memcpy(ip + 12, n.ep.addr.data(), 4);
    } else {
      std::memcpy(ip, n.ep.addr.data(), 16);
    }
    out.append(reinterpret_cast<const char*>(ip), 16);
    out.push_back(static_cast<char>(n.ep.port >> 8));
    out.push_back(static_cast<char>(n.ep.port & 0xff));
  }
  return out;
}

Result<std::vector<NodeInfo>> parse_nodes(std::span<const uint8_t> b) {
  if (b.size() > kNodesFileMaxBytes) return Error{"nodes file: too large"};
  if (b.size() % kNodesFileRecord != 0)
    return Error{"nodes file: size " + std::to_string(b.size()) + " is not a multiple of 38"};
  std::vector<NodeInfo> out;
  out.reserve(b.size() / kNodesFileRecord);
  for (size_t off = 0; off < b.size(); off += kNodesFileRecord) {
    auto rec = b.subspan(off, kNodesFileRecord);
    NodeInfo n;
    n.id = *NodeId::from_bytes(rec.first(20));
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    const uint8_t* ip = rec.data() + 20;
    const uint16_t port = static_cast<uint16_t>((rec[36] << 8) | rec[37]);
    if (std::memcmp(ip, kMapped, 12) == 0) {
      n.ep = Endpoint::v4({ip[12], ip[13], ip[14], ip[15]}, port);
    } else {
      std::array<uint8_t, 16> a{};
      std::memcpy(a.data(), ip, 16);
      n.ep = Endpoint::v6(a, port);
    }
    if (port == 0 || n.ep.is_unspecified())
      return Error{"nodes file: record " + std::to_string(off / kNodesFileRecord) +
                   " has no address"};
    out.push_back(n);
  }
  return out;
}

Result<std::vector<NodeInfo>> load_nodes_file(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::vector<NodeInfo>{};
    return Error{errno_text("cannot open", path)};
  }
  std::string data;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{errno_text("cannot read", path)};
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > kNodesFileMaxBytes)
      return Error{"nodes file " + path.string() + ": too large"};
  }
  auto parsed = parse_nodes({reinterpret_cast<const uint8_t*>(data.data()), data.size()});
  if (!parsed) return Error{parsed.message() + " (" + path.string() + ")"};
  return parsed;
}

Status save_nodes_file(const std::filesystem::path& path, std::span<const NodeInfo> nodes) {
  if (nodes.empty()) return Status::Ok();
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Error{errno_text("cannot create", dir)};

  const std::string data = serialize_nodes(nodes);
  std::filesystem::path tmp = path;
  // Unique per call, not only per process: a periodic save on a worker thread and the save
  // at stop may overlap, and a shared temp name would let one truncate the other's file.
  static std::atomic<uint64_t> counter{0};
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.get() < 0) return Error{errno_text("cannot create", tmp)};
    // The umask cannot widen 0600, but an existing temp file could carry other bits.
    if (::fchmod(fd.get(), 0600) != 0 || !write_all(fd.get(), data) || ::fsync(fd.get()) != 0) {
      Error e{errno_text("cannot write", tmp)};
      ::unlink(tmp.c_str());
      return e;
    }
    if (::close(fd.release()) != 0) {
      Error e{errno_text("cannot close", tmp)};
      ::unlink(tmp.c_str());
      return e;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e{errno_text("cannot rename onto", path)};
    ::unlink(tmp.c_str());
    return e;
  }
  // Make the rename itself durable.
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() >= 0) (void)::fsync(dfd.get());
  return Status::Ok();
}

}  // namespace wgmesh::dht
