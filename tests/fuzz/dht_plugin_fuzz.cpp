// Fuzzes what the dht plugin parses or decides on from outside input (plugins/dht/logic):
// its [plugins.dht] config table, "host:port" bootstrap entries, the host's JSON records,
// the nodes-file path, and peer values from lookups driving the value filter and the
// exchange gate. The KRPC decoder and the node itself have their own targets
// (dht_krpc_fuzz, dht_node_fuzz). Beyond "no crash", it checks the invariants the plugin
// relies on: the caps of the gate and the shape of accepted configurations.
//
// Input: one byte selects the mode, the rest is its payload.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "logic/dht_config.h"
#include "logic/exchange_gate.h"
#include "logic/host_info.h"
#include "logic/host_port.h"
#include "logic/value_filter.h"

using namespace wgmesh::dht;
using namespace wgmesh::dht::plugin;

namespace {

std::string_view g_input;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "dht_plugin_fuzz: invariant failed: %s\ninput (%zu bytes): ", what,
               g_input.size());
  for (unsigned char c : g_input) std::fprintf(stderr, "%02x", c);
  std::fprintf(stderr, "\n");
  std::abort();
}

bool printable(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

// Deterministic "randomness" from the input itself.
class InputRandom : public Random {
 public:
  explicit InputRandom(std::string_view in) : in_(in) {}
  void fill(std::span<uint8_t> out) override {
    for (auto& b : out) b = in_.empty() ? 0 : static_cast<uint8_t>(in_[pos_++ % in_.size()]);
  }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

void fuzz_config(std::string_view in) {
  DhtPluginConfig c;
  std::string error;
  if (parse_dht_config(in, c, error)) {
    check(c.bootstrap.size() <= kMaxBootstrapEntries, "bootstrap list bounded");
    for (const auto& b : c.bootstrap) {
      check(b.port != 0, "bootstrap port non-zero");
      check(!b.host.empty(), "bootstrap host non-empty");
      check(!b.numeric || !b.numeric->is_unspecified(), "bootstrap address specified");
    }
    check(c.query_interval_ms >= kMinQueryIntervalMs, "query interval bounded");
    check(c.announce_interval_ms <= kMaxAnnounceIntervalMs, "announce interval bounded");
    check(c.max_exchanges_per_minute >= 1, "exchange rate positive");
  } else {
    check(!error.empty() && printable(error), "error is one printable line");
  }
}

void fuzz_host_port(std::string_view in) {
  std::string error;
  if (auto hp = parse_host_port(in, error)) {
    check(hp->port != 0, "port non-zero");
    std::string again_error;
    auto again = parse_host_port(hp->to_string(), again_error);
    check(again && *again == *hp, "to_string round-trips");
  } else {
    check(!error.empty(), "refusal has a reason");
  }
}

void fuzz_host_json(std::string_view in) {
  NodeSettings s = parse_node_settings(in);
  (void)local_endpoint(in);
  (void)peer_pubkey(in);
  std::string error;
  if (auto p = nodes_file_path("/state", s.interface, "a11c420b66cd7877", error)) {
    check(p->rfind("/state/", 0) == 0, "nodes file stays in the state directory");
    check(p->find('/', 7) == std::string::npos, "no sub-directory");
    check(p->ends_with("-a11c420b66cd7877-dht.nodes"), "original naming");
  }
}

// Peer values (6-byte compact, as lookups return them) through the filter and the gate,
// with time advancing and exchanges finishing as the input says.
void fuzz_gate(std::string_view in) {
  InputRandom rng(in);
  GateLimits limits;
  limits.max_queue = 32;
  limits.max_tracked = 64;
  limits.per_minute = 20;
  ExchangeGate gate(limits, 0);
  SelfAddresses self;
  self.set(SelfSource::Interface, {Endpoint::v4({10, 0, 0, 1}, 0)});
  int64_t now = 0;
  std::vector<Endpoint> running;
  for (size_t i = 0; i + 7 <= in.size(); i += 7) {
    const auto* b = reinterpret_cast<const uint8_t*>(in.data() + i);
    auto v = decode_compact({b, 6});
    const uint8_t op = b[6];
    now += (op & 0x0f) * 1000;
    if (v && classify_value(*v, 52527, true, self) == ValueVerdict::Ok) {
      check(v->port == 52527 && !self.contains(*v), "filter lets only foreign gossip ports in");
      gate.offer(*v, now);
    }
    if ((op & 0x30) && !running.empty()) {
      gate.finished(running.front(), (op & 0x40) != 0, now, rng);
      running.erase(running.begin());
    }
    for (const auto& e : gate.take_ready(now)) running.push_back(e);
    check(gate.in_flight() <= limits.max_in_flight, "in-flight cap");
    check(gate.in_flight() == running.size(), "in-flight accounting");
    check(gate.queued() <= limits.max_queue + limits.max_tracked, "queue bounded");
    check(gate.tracked() <= limits.max_tracked, "memory bounded");
    check(gate.next_due(now) >= now, "never due in the past");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  g_input = all;
  if (all.empty()) return 0;
  std::string_view in = all.substr(1);
  switch (static_cast<uint8_t>(all[0]) % 4) {
    case 0:
      fuzz_config(in);
      break;
    case 1:
      fuzz_host_port(in);
      break;
    case 2:
      fuzz_host_json(in);
      break;
    case 3:
      fuzz_gate(in);
      break;
  }
  return 0;
}
