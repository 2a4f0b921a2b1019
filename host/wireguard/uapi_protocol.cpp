#include "wireguard/uapi_protocol.h"

#include <charconv>
#include <cstdlib>
#include <system_error>

#include "wireguard/secure_wipe.h"

namespace wgmesh::wg::uapi {
namespace {

template <typename T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size();
}

std::string errno_text(long long code) {
  const long long positive = code < 0 ? -code : code;
  std::string name =
      positive < 4096
          ? std::error_code(static_cast<int>(positive), std::generic_category()).message()
          : "unknown error";
  return "errno " + std::to_string(code) + " (" + name + ")";
}

// Interprets the value of an "errno=" line.
Status errno_status(std::string_view value, std::string_view what) {
  long long code = 0;
  if (!parse_number(value, code))
    return Error{std::string(what) + ": malformed errno '" + std::string(value.substr(0, 32)) +
                 "'"};
  if (code != 0) return Error{std::string(what) + " failed: " + errno_text(code)};
  return {};
}

// Checks everything encode_peer could refuse, so a request is never cut off half-written
// (wireguard-go applies lines as they arrive; a truncated request would be half-applied).
Status validate(const DeviceUpdate& update) {
  for (const auto& p : update.peers) {
    if (p.remove) continue;
    if (p.endpoint && p.endpoint->port == 0)
      return Error{"peer " + p.public_key.to_base64() + ": endpoint without a port"};
    for (const auto& ip : p.allowed_ips)
      if (ip.length > ip.max_length())
        return Error{"peer " + p.public_key.to_base64() + ": prefix length out of range in " +
                     ip.to_string()};
  }
  return {};
}

void encode_peer(const PeerConfig& p, std::string& out) {
  out += "public_key=" + p.public_key.to_hex() + "\n";
  // update_only must precede the other peer keys: it decides whether the keys that follow
  // create a peer or only change an existing one.
  if (p.update_only) out += "update_only=true\n";
  if (p.remove) {
    out += "remove=true\n";
    return;
  }
  if (p.preshared_key) {
    std::string hex = p.preshared_key->to_hex();
    out += "preshared_key=" + hex + "\n";
    wipe(hex);
  }
  if (p.endpoint) out += "endpoint=" + p.endpoint->to_string() + "\n";
  if (p.persistent_keepalive)
    out += "persistent_keepalive_interval=" + std::to_string(*p.persistent_keepalive) + "\n";
  if (p.replace_allowed_ips) out += "replace_allowed_ips=true\n";
  for (const auto& ip : p.allowed_ips) out += "allowed_ip=" + ip.to_string() + "\n";
}

}  // namespace

Status encode_set(const DeviceUpdate& update, const std::function<Status(std::string_view)>& sink) {
  if (auto st = validate(update); !st) return st;
  std::string chunk = "set=1\n";
  ScopedWipe wipe_chunk(chunk);
  if (update.private_key) {
    std::string hex = update.private_key->to_hex();
    chunk += "private_key=" + hex + "\n";
    wipe(hex);
  }
  if (update.listen_port) chunk += "listen_port=" + std::to_string(*update.listen_port) + "\n";
  if (update.fwmark) chunk += "fwmark=" + std::to_string(*update.fwmark) + "\n";
  if (update.replace_peers) chunk += "replace_peers=true\n";

  // Several small peers go into one piece: one write per peer would cost a syscall each.
  constexpr std::size_t kPieceSize = 16 * 1024;
  for (const auto& peer : update.peers) {
    encode_peer(peer, chunk);
    if (chunk.size() >= kPieceSize) {
      if (auto st = sink(chunk); !st) return st;
      wipe(chunk);
    }
  }
  chunk += "\n";
  return sink(chunk);
}

Result<std::string> encode_set(const DeviceUpdate& update) {
  std::string out;
  auto st = encode_set(update, [&out](std::string_view piece) -> Status {
    out.append(piece);
    return {};
  });
  if (!st) {
    wipe(out);
    return st.error();
  }
  return out;
}

bool response_complete(std::string_view buffer) {
  return (!buffer.empty() && buffer.front() == '\n') ||
         buffer.find("\n\n") != std::string_view::npos;
}

Status parse_set_response(std::string_view response) {
  constexpr std::string_view kPrefix = "errno=";
  if (response.substr(0, kPrefix.size()) != kPrefix)
    return Error{"UAPI set: unexpected reply '" + std::string(response.substr(0, 64)) + "'"};
  const auto nl = response.find('\n');
  if (nl == std::string_view::npos || response.substr(nl) != "\n\n")
    return Error{"UAPI set: reply not terminated by a blank line"};
  return errno_status(response.substr(kPrefix.size(), nl - kPrefix.size()), "UAPI set");
}

Result<DeviceState> parse_get_response(std::string_view response, PublicKeyMemo* memo) {
  DeviceState dev;
  PeerState* peer = nullptr;  // the peer the current lines belong to
  std::size_t pos = 0;
  std::size_t line_no = 0;
  const auto bad = [&](std::string_view why, std::string_view key) {
    return Error{"UAPI get: line " + std::to_string(line_no) + " (" +
                 std::string(key.substr(0, 40)) + "): " + std::string(why)};
  };

  while (pos < response.size()) {
    const auto nl = response.find('\n', pos);
    if (nl == std::string_view::npos) return Error{"UAPI get: truncated reply (no newline)"};
    const std::string_view line = response.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.empty()) return Error{"UAPI get: blank line before the errno line"};
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return bad("expected key=value", line);
    const std::string_view key = line.substr(0, eq);
    const std::string_view value = line.substr(eq + 1);

    if (key == "errno") {
      if (response.substr(pos) != "\n")
        return bad("errno line not followed by one blank line", key);
      if (auto st = errno_status(value, "UAPI get"); !st) return st.error();
      if (dev.private_key)
        dev.public_key = memo ? memo->public_of(*dev.private_key) : dev.private_key->public_key();
      return dev;
    }
    if (key == "public_key") {
      auto k = Key::from_hex(value);
      if (!k) return bad(k.message(), key);
      peer = &dev.peers.emplace_back();
      peer->public_key = *k;
      continue;
    }

    if (peer == nullptr) {  // device-level keys
      if (key == "private_key") {
        auto k = Key::from_hex(value);
        if (!k) return bad(k.message(), key);
        if (!k->is_zero()) dev.private_key = *k;
      } else if (key == "listen_port") {
        if (!parse_number(value, dev.listen_port)) return bad("bad port", key);
      } else if (key == "fwmark") {
        if (!parse_number(value, dev.fwmark)) return bad("bad fwmark", key);
      }
      continue;  // unknown device keys are skipped
    }

    if (key == "preshared_key") {
      auto k = Key::from_hex(value);
      if (!k) return bad(k.message(), key);
      if (k->is_zero()) {
        peer->preshared_key.reset();
      } else {
        peer->preshared_key = *k;
      }
    } else if (key == "endpoint") {
      auto ep = Endpoint::parse(value);
      if (!ep) return bad(ep.message(), key);
      peer->endpoint = *ep;
    } else if (key == "allowed_ip") {
      auto ip = IpPrefix::parse(value);
      if (!ip || value.find('/') == std::string_view::npos) return bad("bad prefix", key);
      peer->allowed_ips.push_back(*ip);
    } else if (key == "persistent_keepalive_interval") {
      if (!parse_number(value, peer->persistent_keepalive)) return bad("bad interval", key);
    } else if (key == "last_handshake_time_sec") {
      if (!parse_number(value, peer->last_handshake.sec)) return bad("bad number", key);
    } else if (key == "last_handshake_time_nsec") {
      if (!parse_number(value, peer->last_handshake.nsec)) return bad("bad number", key);
    } else if (key == "rx_bytes") {
      if (!parse_number(value, peer->rx_bytes)) return bad("bad number", key);
    } else if (key == "tx_bytes") {
      if (!parse_number(value, peer->tx_bytes)) return bad("bad number", key);
    } else if (key == "protocol_version") {
      if (!parse_number(value, peer->protocol_version)) return bad("bad number", key);
    }
    // unknown peer keys are skipped
  }
  return Error{"UAPI get: truncated reply (no errno line)"};
}

}  // namespace wgmesh::wg::uapi
