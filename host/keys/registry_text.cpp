#include "keys/registry_text.h"

#include "keys/secret.h"

namespace wgmesh::keys {

namespace {
constexpr std::string_view kStartMarker = "<!-- PEERS:";
constexpr std::string_view kEndMarker = ":PEERS -->";
}  // namespace

std::string registry_issue_body(std::string_view envelope) {
  std::string body = "wgmesh registry rendezvous point\n\n";
  body += kStartMarker;
  body += '\n';
  body += envelope;
  body += '\n';
  body += kEndMarker;
  return body;
}

std::optional<std::string> registry_envelope_from_body(std::string_view body) {
  const size_t start = body.find(kStartMarker);
  const size_t end = body.rfind(kEndMarker);
  if (start == std::string_view::npos || end == std::string_view::npos ||
      end < start + kStartMarker.size()) {
    return std::nullopt;
  }
  const size_t from = start + kStartMarker.size();
  return std::string(go_trim_space(body.substr(from, end - from)));
}

}  // namespace wgmesh::keys
