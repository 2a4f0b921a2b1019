// All-pairs ICMP echo prober for the mesh benchmark: one raw ICMP socket per test host (opened
// inside that host's network namespace), one thread sending and receiving for all of them.
// It answers "since when does every ordered pair (i, j) pass traffic over the mesh?" without
// starting a ping process per pair, so the measurement costs a few milliseconds of CPU
// instead of seconds on a small machine.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "harness/unique_fd.h"

namespace wgmesh::bench {

// --- Pure parts (no sockets; unit-tested) ---

// RFC 1071 Internet checksum over `data` as big-endian 16-bit words (an odd last byte is
// padded with zero). A message whose checksum field is filled in sums to 0.
uint16_t internet_checksum(std::span<const uint8_t> data);

// What one echo request stands for, packed into its 16-bit identifier and sequence number:
//   id  = generation << 8 | from      seq = round << 8 | to
// `generation` changes per IcmpProber::run, so a late reply to an earlier run is not taken
// for an answer in this one; `round` only makes successive requests of a pair distinct.
// Host indices are 0-based and fit in 8 bits (at most 256 hosts).
struct ProbeTag {
  uint8_t generation = 0;
  uint8_t from = 0;
  uint8_t to = 0;
  uint8_t round = 0;
  bool operator==(const ProbeTag&) const = default;
};
std::pair<uint16_t, uint16_t> encode_tag(const ProbeTag& tag);  // {id, seq}
ProbeTag decode_tag(uint16_t id, uint16_t seq);

// An ICMP echo request (type 8) carrying `tag` and a fixed 8-byte payload, checksum filled in.
// The kernel adds the IP header (raw socket without IP_HDRINCL).
inline constexpr size_t kEchoRequestSize = 16;
std::array<uint8_t, kEchoRequestSize> build_echo_request(const ProbeTag& tag);

struct EchoReply {
  uint32_t source = 0;  // IPv4 source address, host byte order
  ProbeTag tag;
};
// Parses what a raw IPv4 ICMP socket receives (IP header + ICMP message). Returns a value only
// for a well-formed echo reply (type 0, code 0) with a valid ICMP checksum and our payload;
// everything else the socket sees (requests from other hosts, errors, replies to someone
// else's ping) yields nullopt.
std::optional<EchoReply> parse_echo_reply(std::span<const uint8_t> ip_packet);

// Round-trip time estimate and retransmission timeout as TCP keeps them (RFC 6298): smoothed
// RTT and its mean deviation, RTO = SRTT + 4·RTTVAR, clamped to [lo, hi]; `lo` before any
// sample.
class RttEstimator {
 public:
  using Duration = std::chrono::steady_clock::duration;
  void sample(Duration rtt);
  Duration rto(Duration lo, Duration hi) const;
  bool has_sample() const { return has_sample_; }
  Duration srtt() const { return srtt_; }

 private:
  bool has_sample_ = false;
  Duration srtt_{}, rttvar_{};
};

// --- The prober ---

struct ProbeHost {
  std::string netns;  // named network namespace (/run/netns/<netns>)
  std::string ipv4;   // the address other hosts probe (its mesh IP)
};

struct ProbeResult {
  using Clock = std::chrono::steady_clock;
  Clock::time_point started;
  // first_reply[from][to]: when `from` first received `to`'s echo reply in this run; empty on
  // the diagonal and for pairs that never answered.
  std::vector<std::vector<std::optional<Clock::time_point>>> first_reply;
  std::vector<std::pair<int, int>> unanswered;  // (from, to), 0-based
  uint64_t requests_sent = 0;
  double srtt_ms = 0;  // smoothed echo round-trip time at the end of the run (0: no reply)
  double cpu_ms = 0;   // CPU time of the probing thread during run()

  bool complete() const { return unanswered.empty(); }
  // The latest of the first replies: when the last pair started to pass traffic. Empty unless
  // every pair answered.
  std::optional<Clock::time_point> last_first_reply() const;
};

class IcmpProber {
 public:
  // Opens one raw ICMP socket inside each host's namespace. Throws std::system_error (no
  // such namespace, not root) or std::invalid_argument (bad address, more than 256 hosts).
  explicit IcmpProber(std::vector<ProbeHost> hosts);

  // Every `interval`, sends an echo request for each ordered pair that has not answered yet and
  // whose last request is older than the retransmission timeout (see run()'s comment in the
  // .cpp); returns when all pairs answered, `timeout` passed, or `stop` was requested. Runs on
  // the calling thread; not to be called concurrently with itself.
  ProbeResult run(std::chrono::milliseconds timeout, std::stop_token stop = {},
                  std::chrono::milliseconds interval = std::chrono::milliseconds(10));

  int size() const { return static_cast<int>(hosts_.size()); }

 private:
  std::vector<ProbeHost> hosts_;
  std::vector<uint32_t> addresses_;  // host byte order, per host
  std::vector<testbed::UniqueFd> sockets_;
  uint8_t generation_ = 0;
  RttEstimator rtt_;  // kept across runs: a later run starts with what the mesh showed so far
};

}  // namespace wgmesh::bench
