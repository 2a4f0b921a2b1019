#include "ctl/rpc_client.h"

#include <poll.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "ctl/json_util.h"

namespace wgmesh::ctl {
namespace {

// A peers.list of a very large mesh is a few MiB; anything far beyond is not a response.
constexpr size_t kMaxResponseBytes = 64u << 20;

// The rpc plugin's refusal codes (plugins/rpc/core/error_codes.h); the client must not
// depend on the plugin, so they are repeated here as part of the wire contract.
constexpr int kPermissionDenied = -32001;

int64_t now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

int remaining(int64_t deadline) {
  int64_t left = deadline - now_ms();
  return left > 0 ? static_cast<int>(left) : 0;
}

}  // namespace

RpcClient::RpcClient(std::string socket_path, int timeout_ms)
    : path_(std::move(socket_path)), timeout_ms_(timeout_ms > 0 ? timeout_ms : 1) {}

RpcFailure RpcClient::timeout_failure(const char* what) const {
  return RpcFailure{RpcFailure::Kind::kTimeout, 0,
                    std::string("timed out after ") + std::to_string(timeout_ms_) + " ms " + what +
                        " wgmeshd at " + path_};
}

bool RpcClient::connect(RpcFailure& failure) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.empty() || path_.size() >= sizeof addr.sun_path) {
    failure = {RpcFailure::Kind::kNoDaemon, 0, "invalid socket path '" + path_ + "'"};
    return false;
  }
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  int64_t deadline = now_ms() + timeout_ms_;
  for (;;) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
      failure = {RpcFailure::Kind::kProtocol, 0, std::string("socket: ") + std::strerror(errno)};
      return false;
    }
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
      fd_ = std::move(fd);
      return true;
    }
    int err = errno;
    switch (err) {
      case EAGAIN:  // the daemon's backlog is full: it is busy, retry until the deadline
        if (remaining(deadline) == 0) {
          failure = timeout_failure("connecting to");
          return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      case EACCES:
      case EPERM:
        failure = {RpcFailure::Kind::kPermission, 0,
                   "permission denied on " + path_ +
                       " (the daemon allows root, its own user and its configured group)"};
        return false;
      case ENOENT:
      case ECONNREFUSED:
      case ENOTDIR:
        failure = {RpcFailure::Kind::kNoDaemon, 0,
                   "cannot connect to wgmeshd at " + path_ + ": is the daemon running?"};
        return false;
      default:
        failure = {RpcFailure::Kind::kNoDaemon, 0,
                   "cannot connect to wgmeshd at " + path_ + ": " + std::strerror(err)};
        return false;
    }
  }
}

bool RpcClient::send_all(const std::string& data, int64_t deadline, RpcFailure& failure,
                         bool& peer_closed) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd_.get(), data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_.get(), POLLOUT, 0};
      int left = remaining(deadline);
      if (left == 0 || ::poll(&p, 1, left) == 0) {
        failure = timeout_failure("sending to");
        return false;
      }
      continue;
    }
    // The daemon closed on us (it may have sent a refusal first: the caller reads it).
    peer_closed = true;
    return true;
  }
  return true;
}

bool RpcClient::read_line(std::string& line, int64_t deadline, RpcFailure& failure) {
  for (;;) {
    size_t nl = inbox_.find('\n');
    if (nl != std::string::npos) {
      line = inbox_.substr(0, nl);
      inbox_.erase(0, nl + 1);
      return true;
    }
    if (inbox_.size() > kMaxResponseBytes) {
      failure = {RpcFailure::Kind::kProtocol, 0, "response from wgmeshd is too large"};
      return false;
    }
    pollfd p{fd_.get(), POLLIN, 0};
    int left = remaining(deadline);
    int rc = left == 0 ? 0 : ::poll(&p, 1, left);
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) {
      failure = timeout_failure("waiting for");
      return false;
    }
    char buf[65536];
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n > 0) {
      inbox_.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    failure = {RpcFailure::Kind::kProtocol, 0,
               "wgmeshd at " + path_ + " closed the connection without answering"};
    return false;
  }
}

bool RpcClient::call(const std::string& method, const std::string& params_json,
                     std::string& result_json, RpcFailure& failure) {
  if (!fd_ && !connect(failure)) return false;
  // The original client's first id is 2 (its counter is incremented before use); keeping
  // that makes transcripts identical.
  uint64_t id = ++next_id_;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("jsonrpc");
  w.String("2.0");
  w.Key("method");
  w.String(method.c_str(), static_cast<rapidjson::SizeType>(method.size()));
  if (!params_json.empty()) {
    w.Key("params");
    w.RawValue(params_json.c_str(), params_json.size(), rapidjson::kObjectType);
  }
  w.Key("id");
  w.Uint64(id);
  w.EndObject();
  std::string request(buf.GetString(), buf.GetSize());
  request.push_back('\n');

  int64_t deadline = now_ms() + timeout_ms_;
  bool peer_closed = false;
  if (!send_all(request, deadline, failure, peer_closed)) return false;
  std::string line;
  if (!read_line(line, deadline, failure)) return false;

  rapidjson::Document doc;
  // NUL-terminated parsing: RapidJSON's length-based entry silently skips a UTF-8 BOM.
  if (line.find('\0') == std::string::npos) doc.Parse(line.c_str());
  if (line.find('\0') != std::string::npos || doc.HasParseError() || !doc.IsObject()) {
    failure = {RpcFailure::Kind::kProtocol, 0, "invalid response from wgmeshd (not a JSON object)"};
    return false;
  }
  auto rid = doc.FindMember("id");
  bool id_null = rid == doc.MemberEnd() || rid->value.IsNull();
  auto err = doc.FindMember("error");
  if (err != doc.MemberEnd() && err->value.IsObject()) {
    int code = err->value.HasMember("code") && err->value["code"].IsInt()
                   ? err->value["code"].GetInt()
                   : 0;
    std::string message = err->value.HasMember("message") && err->value["message"].IsString()
                              ? err->value["message"].GetString()
                              : "(no message)";
    // A refusal arrives before we asked anything, hence with id null.
    if (code == kPermissionDenied && id_null) {
      failure = {RpcFailure::Kind::kPermission, code,
                 "wgmeshd at " + path_ + " refused us: " + message};
      return false;
    }
    if (!id_null && !(rid->value.IsUint64() && rid->value.GetUint64() == id)) {
      failure = {RpcFailure::Kind::kProtocol, 0, "response id does not match the request"};
      return false;
    }
    failure = {RpcFailure::Kind::kRpc, code, message};
    return false;
  }
  if (peer_closed && id_null) {
    failure = {RpcFailure::Kind::kProtocol, 0, "wgmeshd at " + path_ + " closed the connection"};
    return false;
  }
  if (id_null || !rid->value.IsUint64() || rid->value.GetUint64() != id) {
    failure = {RpcFailure::Kind::kProtocol, 0, "response id does not match the request"};
    return false;
  }
  auto res = doc.FindMember("result");
  if (res == doc.MemberEnd()) {
    failure = {RpcFailure::Kind::kProtocol, 0, "response has neither result nor error"};
    return false;
  }
  result_json = compact_json(res->value);
  return true;
}

}  // namespace wgmesh::ctl
