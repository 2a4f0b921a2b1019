#include "mesh/handshake_starter.h"

#include <algorithm>

namespace wgmesh {

HandshakeStarter::Decision HandshakeStarter::decide(const std::string& pubkey, bool handshaked,
                                                    int64_t now_ms) {
  if (handshaked) {
    pending_.erase(pubkey);
    return {};
  }
  Pending& p = pending_.try_emplace(pubkey, Pending{now_ms, 0}).first->second;
  const int64_t age = now_ms - p.first_ms;
  if (!initiates(pubkey)) {
    p.grace_over = age >= settings_.responder_grace_ms;
    return {.keepalive = p.grace_over};
  }
  Decision d;
  if (p.kicks < settings_.max_kicks &&
      age >= settings_.first_kick_ms + p.kicks * settings_.kick_spacing_ms) {
    ++p.kicks;
    d.kick = true;
  }
  return d;
}

void HandshakeStarter::retain(const std::set<std::string>& configured) {
  std::erase_if(pending_, [&](const auto& kv) { return configured.count(kv.first) == 0; });
}

std::optional<int64_t> HandshakeStarter::next_due_ms() const {
  std::optional<int64_t> next;
  auto consider = [&](int64_t t) { next = next ? std::min(*next, t) : t; };
  for (const auto& [key, p] : pending_) {
    if (!initiates(key)) {
      // Only the moment the grace ends matters; afterwards the keepalive stays on.
      if (!p.grace_over) consider(p.first_ms + settings_.responder_grace_ms);
    } else if (p.kicks < settings_.max_kicks) {
      consider(p.first_ms + settings_.first_kick_ms + p.kicks * settings_.kick_spacing_ms);
    }
  }
  return next;
}

}  // namespace wgmesh
