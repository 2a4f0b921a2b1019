#include "icmp_prober.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/icmp.h>
#include <poll.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <future>
#include <stdexcept>
#include <system_error>

namespace wgmesh::bench {

namespace {

using Clock = std::chrono::steady_clock;

constexpr uint8_t kEchoReply = 0;
constexpr uint8_t kEchoRequest = 8;
constexpr size_t kIcmpHeader = 8;
// Upper bound of the re-send timeout: the resolution of a first-reply time is never worse.
constexpr std::chrono::milliseconds kMaxResend(100);
// Our payload: lets parse_echo_reply tell our replies from those to any other pinger in the
// namespace that happens to use the same identifier.
constexpr std::array<uint8_t, 8> kPayload = {'w', 'g', 'm', 'b', 'e', 'n', 'c', 'h'};
static_assert(kIcmpHeader + kPayload.size() == kEchoRequestSize);

uint16_t load16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
void store16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

std::system_error sys_error(const std::string& what) {
  return std::system_error(errno, std::generic_category(), what);
}

// Runs on a throwaway thread: setns() moves only the calling thread, and a thread left in a
// test host's namespace must not go on to do anything else. The socket keeps the namespace it
// was created in for its whole life.
testbed::UniqueFd open_icmp_socket_in(const std::string& netns) {
  const std::string path = "/run/netns/" + netns;
  testbed::UniqueFd ns(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns) throw sys_error("open " + path);
  if (::setns(ns.get(), CLONE_NEWNET) != 0) throw sys_error("setns " + path);
  // Non-blocking: the loop drains each socket until EAGAIN. CLOEXEC: the bed forks children
  // (daemons, ip, wg) while we probe, and they must not inherit our sockets.
  testbed::UniqueFd s(::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP));
  if (!s) throw sys_error("raw ICMP socket in " + netns);
  // A raw ICMP socket gets every ICMP message of its namespace, including the echo requests
  // the other hosts send to this one; let the kernel drop all but echo replies. Only an
  // optimisation (parse_echo_reply checks the type anyway), so a failure is not fatal.
  icmp_filter filter{};
  filter.data = ~(1U << ICMP_ECHOREPLY);
  (void)::setsockopt(s.get(), SOL_RAW, ICMP_FILTER, &filter, sizeof filter);
  // Arrival times from the kernel: on a busy machine one round of sends can take tens of ms
  // (every request wakes a wireguard-go), and replies that arrive meanwhile must not be
  // timed when the loop gets round to reading them. Without it we fall back to reading time.
  int on = 1;
  (void)::setsockopt(s.get(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  return s;
}

// A CLOCK_REALTIME kernel timestamp (SCM_TIMESTAMPNS) as a steady_clock time point, by the
// offset between the two clocks now: off only if the wall clock steps in between.
Clock::time_point steady_from_realtime(const timespec& ts) {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  const auto steady_now = Clock::now();
  const auto age = std::chrono::seconds(now.tv_sec - ts.tv_sec) +
                   std::chrono::nanoseconds(now.tv_nsec - ts.tv_nsec);
  return steady_now - std::chrono::duration_cast<Clock::duration>(age);
}

// recv() with the packet's kernel arrival time; nullopt time if the socket gave none.
ssize_t recv_timestamped(int fd, std::span<uint8_t> buf, std::optional<Clock::time_point>& at) {
  iovec iov{.iov_base = buf.data(), .iov_len = buf.size()};
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(timespec))> control{};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  ssize_t got = ::recvmsg(fd, &msg, MSG_DONTWAIT);
  at.reset();
  if (got < 0) return got;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts{};
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      at = steady_from_realtime(ts);
    }
  return got;
}

double thread_cpu_ms() {
  rusage u{};
  ::getrusage(RUSAGE_THREAD, &u);
  return (static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3) +
         (static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3);
}

}  // namespace

uint16_t internet_checksum(std::span<const uint8_t> data) {
  uint32_t sum = 0;
  size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += load16(&data[i]);
  if (i < data.size()) sum += static_cast<uint32_t>(data[i]) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

std::pair<uint16_t, uint16_t> encode_tag(const ProbeTag& tag) {
  return {static_cast<uint16_t>(tag.generation << 8 | tag.from),
          static_cast<uint16_t>(tag.round << 8 | tag.to)};
}

ProbeTag decode_tag(uint16_t id, uint16_t seq) {
  return {.generation = static_cast<uint8_t>(id >> 8),
          .from = static_cast<uint8_t>(id),
          .to = static_cast<uint8_t>(seq),
          .round = static_cast<uint8_t>(seq >> 8)};
}

std::array<uint8_t, kEchoRequestSize> build_echo_request(const ProbeTag& tag) {
  std::array<uint8_t, kEchoRequestSize> msg{};
  msg[0] = kEchoRequest;
  msg[1] = 0;  // code
  auto [id, seq] = encode_tag(tag);
  store16(&msg[4], id);
  store16(&msg[6], seq);
  std::copy(kPayload.begin(), kPayload.end(), msg.begin() + kIcmpHeader);
  store16(&msg[2], internet_checksum(msg));  // computed with the field still zero
  return msg;
}

std::optional<EchoReply> parse_echo_reply(std::span<const uint8_t> ip_packet) {
  if (ip_packet.size() < 20) return std::nullopt;
  const uint8_t* ip = ip_packet.data();
  const size_t header = static_cast<size_t>(ip[0] & 0x0f) * 4;
  const size_t total = load16(ip + 2);
  if ((ip[0] >> 4) != 4 || header < 20 || ip[9] != IPPROTO_ICMP) return std::nullopt;
  if (total > ip_packet.size() || total < header + kIcmpHeader + kPayload.size())
    return std::nullopt;
  auto icmp = ip_packet.subspan(header, total - header);
  if (icmp[0] != kEchoReply || icmp[1] != 0 || internet_checksum(icmp) != 0) return std::nullopt;
  if (!std::equal(kPayload.begin(), kPayload.end(), icmp.begin() + kIcmpHeader))
    return std::nullopt;
  EchoReply reply;
  reply.source = static_cast<uint32_t>(load16(ip + 12)) << 16 | load16(ip + 14);
  reply.tag = decode_tag(load16(&icmp[4]), load16(&icmp[6]));
  return reply;
}

void RttEstimator::sample(Duration rtt) {
  if (!has_sample_) {
    srtt_ = rtt;
    rttvar_ = rtt / 2;
    has_sample_ = true;
    return;
  }
  const Duration err = srtt_ > rtt ? srtt_ - rtt : rtt - srtt_;
  rttvar_ = (3 * rttvar_ + err) / 4;
  srtt_ = (7 * srtt_ + rtt) / 8;
}

RttEstimator::Duration RttEstimator::rto(Duration lo, Duration hi) const {
  if (!has_sample_) return lo;
  return std::clamp(srtt_ + 4 * rttvar_, lo, hi);
}

std::optional<ProbeResult::Clock::time_point> ProbeResult::last_first_reply() const {
  if (!complete()) return std::nullopt;
  std::optional<Clock::time_point> last;
  for (const auto& row : first_reply)
    for (const auto& t : row)
      if (t && (!last || *t > *last)) last = t;
  return last;
}

IcmpProber::IcmpProber(std::vector<ProbeHost> hosts) : hosts_(std::move(hosts)) {
  if (hosts_.size() > 256) throw std::invalid_argument("icmp prober: more than 256 hosts");
  for (const auto& h : hosts_) {
    in_addr a{};
    if (::inet_pton(AF_INET, h.ipv4.c_str(), &a) != 1)
      throw std::invalid_argument("icmp prober: bad IPv4 address '" + h.ipv4 + "' of " + h.netns);
    addresses_.push_back(ntohl(a.s_addr));
  }
  // One short-lived thread enters each namespace in turn and opens that host's socket; it
  // ends there and nothing else ever runs on it. Exceptions come back through the future.
  sockets_ = std::async(std::launch::async, [this] {
               std::vector<testbed::UniqueFd> fds;
               for (const auto& h : hosts_) fds.push_back(open_icmp_socket_in(h.netns));
               return fds;
             }).get();
}

// Why not simply re-send every pending pair every `interval`: on a small machine the echo
// round trip through userspace WireGuard is far longer than 10 ms once a few hundred pairs are
// probed at once (~100 ms for 600 pairs on 2 cores), and re-sending while the first request
// is still queued only multiplies the load on the mesh we are measuring. So a pair is re-sent
// when its last request has been unanswered for longer than a TCP-style RTO over the replies
// seen so far, between `interval` (before any reply, and on a fast mesh) and kMaxResend.
ProbeResult IcmpProber::run(std::chrono::milliseconds timeout, std::stop_token stop,
                            std::chrono::milliseconds interval) {
  const int n = size();
  const uint8_t generation = ++generation_;
  const double cpu0 = thread_cpu_ms();
  ProbeResult r;
  r.started = Clock::now();
  r.first_reply.assign(n, std::vector<std::optional<Clock::time_point>>(n));
  int pending = n * (n - 1);
  const auto deadline = r.started + timeout;

  std::vector<pollfd> fds(n);
  for (int i = 0; i < n; ++i) fds[i] = {.fd = sockets_[i].get(), .events = POLLIN, .revents = 0};
  std::vector<sockaddr_in> targets(n);
  for (int j = 0; j < n; ++j) {
    targets[j].sin_family = AF_INET;
    targets[j].sin_addr.s_addr = htonl(addresses_[j]);
  }

  // When each round's requests went out, by the round number they carry (wraps at 256: a
  // reply more than 256 rounds late gives a wrong RTT sample, rare enough not to matter).
  std::array<Clock::time_point, 256> round_sent{};
  std::vector<Clock::time_point> last_sent(static_cast<size_t>(n) * n);
  uint8_t round = 0;
  auto next_send = r.started;
  std::array<uint8_t, 2048> buf{};
  while (pending > 0 && !stop.stop_requested()) {
    auto now = Clock::now();
    if (now >= deadline) break;
    if (now >= next_send) {
      const auto resend_after = rtt_.rto(interval, kMaxResend);
      round_sent[round] = now;
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
          if (i == j || r.first_reply[i][j]) continue;
          auto& last = last_sent[static_cast<size_t>(i) * n + j];
          if (last != Clock::time_point{} && now - last < resend_after) continue;
          last = now;
          auto msg = build_echo_request({.generation = generation,
                                         .from = static_cast<uint8_t>(i),
                                         .to = static_cast<uint8_t>(j),
                                         .round = round});
          // Failures (no route yet, a buffered ICMP error reported on this call) are what an
          // unconverged mesh looks like: the next round tries again.
          (void)::sendto(sockets_[i].get(), msg.data(), msg.size(), MSG_DONTWAIT,
                         reinterpret_cast<const sockaddr*>(&targets[j]), sizeof targets[j]);
          ++r.requests_sent;
        }
      ++round;
      next_send += interval;
      // After a stall (a busy machine) continue at the normal pace instead of catching up
      // with a burst of rounds.
      if (next_send <= now) next_send = now + interval;
    }
    auto wake = std::min(next_send, deadline);
    auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(wake - Clock::now());
    if (wait.count() < 0) wait = std::chrono::nanoseconds(0);
    timespec ts{.tv_sec = static_cast<time_t>(wait.count() / 1'000'000'000),
                .tv_nsec = static_cast<long>(wait.count() % 1'000'000'000)};
    int ready = ::ppoll(fds.data(), fds.size(), &ts, nullptr);
    if (ready <= 0) continue;  // timeout, or EINTR: loop re-checks the clock
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      // Drain: also consumes a pending socket error (POLLERR), which recv reports once; the
      // bound only guards against a socket that keeps failing.
      for (int errors = 0; errors < 8;) {
        std::optional<Clock::time_point> arrived;
        ssize_t got = recv_timestamped(fds[i].fd, buf, arrived);
        if (got < 0) {
          if (errno == EAGAIN || errno == EWOULDBLOCK) break;
          ++errors;  // EINTR, or an ICMP error for an earlier request: keep draining
          continue;
        }
        const auto at = arrived.value_or(Clock::now());
        auto reply = parse_echo_reply({buf.data(), static_cast<size_t>(got)});
        if (!reply || reply->tag.generation != generation || reply->tag.from != i) continue;
        const int j = reply->tag.to;
        if (j >= n || j == i || reply->source != addresses_[j]) continue;
        const auto sent = round_sent[reply->tag.round];
        if (sent != Clock::time_point{} && at >= sent) rtt_.sample(at - sent);
        if (!r.first_reply[i][j]) {
          r.first_reply[i][j] = at;
          --pending;
        }
      }
    }
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (i != j && !r.first_reply[i][j]) r.unanswered.emplace_back(i, j);
  r.cpu_ms = thread_cpu_ms() - cpu0;
  r.srtt_ms = std::chrono::duration<double, std::milli>(rtt_.srtt()).count();
  return r;
}

}  // namespace wgmesh::bench
