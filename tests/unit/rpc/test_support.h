// Helpers shared by the rpc and wgmeshctl tests: a private temporary directory, a blocking
// line client with timeouts (so a broken server fails a test instead of hanging it), and a
// child-process runner that captures stdout and stderr.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/unique_fd.h"

namespace wgmesh::test {

class TempDir {
 public:
  TempDir();  // /tmp/wgrpc-XXXXXX, mode 0700
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class LineClient {
 public:
  explicit LineClient(const std::string& socket_path, int timeout_ms = 5000);
  bool connected() const { return fd_.valid(); }
  int connect_errno() const { return connect_errno_; }
  bool send(std::string_view data);
  void shutdown_write();
  // The next line without its '\n'; nullopt on EOF, error or timeout.
  std::optional<std::string> read_line();
  // Sends one line and returns the response line ("<none>" if there was none).
  std::string call(const std::string& request);
  // True if the server closes the connection within `timeout_ms` (pending lines ignored).
  bool closed_by_server(int timeout_ms);
  void close() { fd_.reset(); }

 private:
  UniqueFd fd_;
  int connect_errno_ = 0;
  int timeout_ms_;
  std::string inbox_;
  bool eof_ = false;
};

struct ProcessResult {
  int exit_code = -1;  // -1 if it did not exit normally
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::map<std::string, std::string> env;  // set in the child (on top of the parent's)
  std::vector<std::string> unset_env;
  std::optional<uid_t> uid;  // drop to this uid (and gid, no supplementary groups) first
  std::optional<gid_t> gid;
  int timeout_ms = 20000;
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Runs `body` in a forked child that first drops to uid/gid (and `groups`), and returns its
// exit status. Used to connect as an unprivileged user. `on_wait` is called while waiting
// (the test drives its event loop there).
int run_as(uid_t uid, gid_t gid, const std::vector<gid_t>& groups, const std::function<int()>& body,
           const std::function<void()>& on_wait, int timeout_ms = 10000);

}  // namespace wgmesh::test
