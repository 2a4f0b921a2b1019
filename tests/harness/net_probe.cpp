#include "harness/net_probe.h"

#include <sstream>
#include <stdexcept>
#include <thread>

namespace wgmesh::testbed {

bool ping(const TestHost& from, const std::string& to_ip, std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto attempt = Clock::now();
    // -n: never a reverse lookup (there is no resolver in the bed, nor should one be tried).
    if (from.run({"ping", "-n", "-q", "-c1", "-W1", to_ip}, std::chrono::seconds(5)).ok()) {
      return true;
    }
    if (Clock::now() >= deadline) return false;
    // "Network unreachable" fails at once: do not spin.
    const auto next = attempt + std::chrono::milliseconds(200);
    if (Clock::now() < next) std::this_thread::sleep_for(next - Clock::now());
  }
}

std::optional<LinkBytes> parse_proc_net_dev(std::string_view text, std::string_view ifname) {
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto start = line.find_first_not_of(' ');
    if (line.substr(start, colon - start) != ifname) continue;
    // Receive: bytes packets errs drop fifo frame compressed multicast; then transmit: bytes.
    std::istringstream fields(line.substr(colon + 1));
    LinkBytes bytes;
    std::uint64_t skip = 0;
    fields >> bytes.rx;
    for (int i = 0; i < 7; ++i) fields >> skip;
    fields >> bytes.tx;
    if (!fields) return std::nullopt;
    return bytes;
  }
  return std::nullopt;
}

LinkBytes underlay_bytes(const TestHost& host, const std::string& ifname) {
  // /proc/net follows the reader's network namespace, so read it from inside.
  RunResult r = host.check({"cat", "/proc/net/dev"}, std::chrono::seconds(5));
  auto bytes = parse_proc_net_dev(r.output, ifname);
  if (!bytes) throw std::runtime_error("no interface " + ifname + " in " + host.netns());
  return *bytes;
}

}  // namespace wgmesh::testbed
