// Stand-ins for wireguard-go, written as small scripts into a temp directory, so the
// supervisor's process handling is tested without root, TUN devices or wireguard-go.
// Each is started as `<script> -f <ifname>` like the real thing.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace wgmesh::wg::testing {

class FakePrograms {
 public:
  FakePrograms() {
    char tmpl[] = "/tmp/wgmesh-fakewg-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  ~FakePrograms() { std::filesystem::remove_all(dir_); }
  FakePrograms(const FakePrograms&) = delete;
  FakePrograms& operator=(const FakePrograms&) = delete;

  const std::string& dir() const { return dir_; }

  // Serves <SOCKDIR>/<ifname>.sock like wireguard-go; first prints its open fds and LOG_LEVEL.
  // With ignore_term, it survives SIGTERM (a wedged process).
  std::string uapi_server(bool ignore_term = false) const {
    return write(
        ignore_term ? "stubborn.sh" : "server.sh",
        "#!/bin/sh\n"
        "exec python3 -S -c '\n"
        "import os, signal, socket, sys\n"
        "print(\"fds=\" + \",\".join(sorted(os.listdir(\"/proc/self/fd\"))), flush=True)\n"
        "print(\"LOG_LEVEL=\" + os.environ.get(\"LOG_LEVEL\", \"\"), flush=True)\n" +
            std::string(ignore_term ? "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n" : "") +
            "s = socket.socket(socket.AF_UNIX)\n"
            "s.bind(os.environ[\"SOCKDIR\"] + \"/\" + sys.argv[1] + \".sock\")\n"
            "s.listen(8)\n"
            "while True:\n"
            "    c, _ = s.accept()\n"
            "    c.close()\n"
            "' \"$2\"\n");
  }
  // Fails at once with a message on stderr, like wireguard-go without /dev/net/tun.
  std::string failing() const {
    return write("failing.sh",
                 "#!/bin/sh\necho \"ERROR: boom: cannot create TUN $2\" >&2\nexit 3\n");
  }
  // Runs but never creates its socket.
  std::string sleeper() const { return write("sleeper.sh", "#!/bin/sh\nexec sleep 30\n"); }

 private:
  std::string write(const std::string& name, const std::string& body) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << body;
    ::chmod(path.c_str(), 0700);
    return path;
  }
  std::string dir_;
};

}  // namespace wgmesh::wg::testing
