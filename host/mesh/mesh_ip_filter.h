// Plausibility check of announced IPv4 mesh addresses (daemon.md §3.3 and §8 Improvement,
// crypto.md §5.6), applied by the peer store to every report from every source (plugins,
// control channel, cache). The original trusted any announced address, so one member
// could claim another's address and pull its traffic through allowed-IPs.
//
// An implausible address is dropped from the report, not the whole report: the rest (the
// endpoint, liveness, the IPv6 address) is still true and useful, and the peer then only
// loses what it claimed wrongly — the reconciler never configures a peer without an IPv4
// address. A peer we already know keeps its last plausible address.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>

#include "mesh/address_space.h"

namespace wgmesh {

class MeshIpFilter {
 public:
  // Called once per key (first rejection) with a log line, and on every rejection via
  // `count` (the metric).
  struct Hooks {
    std::function<void(const std::string& message)> log_once;
    std::function<void()> count;
  };
  // `space` is borrowed and must outlive the filter.
  MeshIpFilter(const AddressSpace& space, Hooks hooks) : space_(space), hooks_(std::move(hooks)) {}

  // True if `ip` is a derivation of `pubkey` (plain or nonce 1..10, or the custom-subnet
  // forms). The last verdict per key is remembered: announcements repeat every few seconds
  // and each check costs up to eleven SHA-256 computations.
  bool accept(const std::string& pubkey, const std::string& ip);

 private:
  const AddressSpace& space_;
  Hooks hooks_;
  std::map<std::string, std::pair<std::string, bool>> last_;  // pubkey -> (ip, verdict)
  std::set<std::string> logged_;
  static constexpr size_t kMaxRemembered = 4096;  // bounded: keys come from the network
};

}  // namespace wgmesh
