#include "host_port.h"

#include <charconv>

namespace wgmesh::dht::plugin {

namespace {

bool valid_hostname(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  size_t label = 0;
  for (size_t i = 0; i < h.size(); ++i) {
    const char c = h[i];
    if (c == '.') {
      if (label == 0) return false;  // empty label: "..", leading dot
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    (c == '-' && label > 0 && i + 1 < h.size() && h[i + 1] != '.');
    if (!ok || ++label > 63) return false;
  }
  return true;  // a trailing dot (absolute name) is fine
}

}  // namespace

std::string HostPort::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<HostPort> parse_host_port(std::string_view text, std::string& error) {
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      error = "expected \"[ipv6]:port\"";
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      error = "expected \"host:port\"";
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      error = "an IPv6 address needs brackets: \"[addr]:port\"";
      return std::nullopt;
    }
  }
  unsigned p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || p == 0 ||
      p > 65535) {
    error = "the port must be a number from 1 to 65535";
    return std::nullopt;
  }
  HostPort hp;
  hp.host = std::string(host);
  hp.port = static_cast<uint16_t>(p);
  hp.numeric = Endpoint::parse(hp.to_string());
  if (!hp.numeric && (host.find(':') != std::string_view::npos || !valid_hostname(host))) {
    error = "not an IP address or a valid host name";
    return std::nullopt;
  }
  if (hp.numeric && hp.numeric->is_unspecified()) {
    error = "the unspecified address cannot be a bootstrap node";
    return std::nullopt;
  }
  return hp;
}

}  // namespace wgmesh::dht::plugin
