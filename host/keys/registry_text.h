// The GitHub-registry text form of an envelope (crypto.md §6.7): the envelope embedded in an
// issue body between HTML-comment markers. The issue title / search term is
// registry_search_term() in derived_keys.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wgmesh::keys {

// "wgmesh registry rendezvous point\n\n<!-- PEERS:\n<envelope>\n:PEERS -->"
std::string registry_issue_body(std::string_view envelope);

// The text between the first "<!-- PEERS:" and the last ":PEERS -->", with surrounding
// white space trimmed (Go's strings.TrimSpace), or nullopt if the markers are missing or
// out of order. Open the result with open_announcement(); readers may widen the freshness
// window for registry text, which is only refreshed when the issue is edited.
std::optional<std::string> registry_envelope_from_body(std::string_view body);

}  // namespace wgmesh::keys
