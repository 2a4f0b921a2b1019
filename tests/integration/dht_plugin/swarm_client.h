// A local swarm of the independent npm bittorrent-dht implementation
// (tests/integration/dht_interop/dht_swarm.mjs), spoken to line by line over pipes. Used by
// the plugin interop test, the namespace mesh test and the DHT benchmark.
//
// Network rule: the script always passes `bootstrap` (false or the swarm's own first node)
// and binds only the addresses given here (loopback, or a bed namespace's address), so no
// public DHT router is ever contacted.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <deque>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace wgmesh::dht::testing {

struct SwarmOptions {
  int nodes = 8;
  std::vector<std::string> hosts = {"127.0.0.1"};  // node i binds hosts[i % size]
  bool bep42 = false;  // BEP 42-secure IDs (needed on non-exempt addresses)
  std::string netns;   // run inside /run/netns/<netns> (a bed host); empty = here
  int hard_timeout_ms = 600000;
};

// node and npm are on PATH.
bool have_node_and_npm();

// Installs bittorrent-dht@11 into the build tree once (serialised by a lock) and puts the
// swarm script next to it. Returns the directory, or "" with `error`.
std::string prepare_swarm(std::string& error);

class Swarm {
 public:
  Swarm() = default;
  Swarm(const Swarm&) = delete;
  Swarm& operator=(const Swarm&) = delete;
  ~Swarm() { stop(); }

  // Starts the script and waits (up to `timeout`) for READY; fills ports().
  bool start(const std::string& dir, const SwarmOptions& options, std::string& error,
             std::chrono::milliseconds timeout = std::chrono::seconds(30));
  void stop();

  const std::vector<uint16_t>& ports() const { return ports_; }
  // "host:port" of node i.
  std::string address(size_t i) const;

  void send(const std::string& line);
  int fd() const { return out_; }
  void on_readable();
  // Removes and returns the first line starting with one of the prefixes.
  std::optional<std::string> take(std::initializer_list<std::string> prefixes);
  // Blocks on the swarm's output only (for callers with no other loop to run).
  std::optional<std::string> wait_for(std::initializer_list<std::string> prefixes,
                                      std::chrono::milliseconds timeout);
  // Every line seen so far (for failure messages).
  std::string transcript() const { return transcript_; }
  pid_t pid() const { return pid_; }

 private:
  SwarmOptions options_;
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  std::string buf_, transcript_;
  std::deque<std::string> lines_;
  std::vector<uint16_t> ports_;
};

// A number after "key" in a swarm reply line ("done_ms=12.5"), or -1.
double field(const std::string& line, const std::string& key);

}  // namespace wgmesh::dht::testing
