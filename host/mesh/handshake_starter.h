// Who starts the first WireGuard handshake with a new peer, and when to restart a first
// handshake that went nowhere.
//
// WireGuard initiates as soon as a peer with a persistent keepalive is configured. When two
// nodes configure each other within a few milliseconds both initiate; each consumes the
// other's initiation, drops the response to its own, and both sit as responders until the
// 5 s REKEY_TIMEOUT (testbed.md §2). An initiation also goes nowhere when the other end does
// not know us yet (it drops the packet), and WireGuard only retries after the same 5 s.
// Either costs 5 s of convergence per pair; a mesh of 25 nodes starting together hits it on
// some pair nearly every time.
//
// So the roles are fixed by the keys, not by timing:
//  - the smaller key initiates at once (keepalive on) and, while no handshake has happened,
//    "kicks" the peer a few times (remove + re-add in one write, which makes WireGuard send a
//    fresh initiation now instead of after 5 s): the first initiation was likely dropped by a
//    peer that had not configured us yet, or crossed a Go peer's own initiation;
//  - the greater key configures the peer without a keepalive and answers; only if no
//    handshake happened within `responder_grace_ms` (the other end is a Go node that gave
//    up, or all kicks were lost) does it turn its keepalive on and initiate itself. The grace
//    outlasts the kicks, so its initiation cannot cross one of them.
// Pure logic over an injected clock; the reconciler asks per peer on every pass.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace wgmesh {

struct HandshakeStarterSettings {
  std::string local_pubkey;
  int64_t first_kick_ms = 250;  // after the first initiation, time enough for a LAN answer
  int64_t kick_spacing_ms = 500;
  int max_kicks = 4;  // the last at 1.75 s
  int64_t responder_grace_ms = 2500;
};

class HandshakeStarter {
 public:
  struct Decision {
    bool keepalive = true;  // configure the persistent keepalive now
    bool kick = false;      // restart the initiation now (remove + re-add)
  };

  explicit HandshakeStarter(HandshakeStarterSettings settings) : settings_(std::move(settings)) {}

  // One peer in one reconcile pass. `handshaked`: WireGuard reports a handshake with it.
  // A kick is returned once; the caller applies it in the same pass.
  Decision decide(const std::string& pubkey, bool handshaked, int64_t now_ms);
  // Drops the state of peers that are no longer configured (call with the current set).
  void retain(const std::set<std::string>& configured);
  // When the next decision could change for some peer (nullopt: nothing pending). The
  // reconciler runs a pass then.
  std::optional<int64_t> next_due_ms() const;

  bool initiates(const std::string& pubkey) const { return settings_.local_pubkey < pubkey; }

 private:
  struct Pending {
    int64_t first_ms = 0;
    int kicks = 0;
    bool grace_over = false;  // responder: the keepalive is on, nothing more to wait for
  };
  HandshakeStarterSettings settings_;
  std::map<std::string, Pending> pending_;  // configured peers without a handshake yet
};

}  // namespace wgmesh
