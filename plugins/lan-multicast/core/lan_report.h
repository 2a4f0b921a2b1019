// Turns a received LAN announcement (the payload JSON the host opened and validated) into
// the peer report handed to the host's peer store with label "lan" (discovery.md §5).
#pragma once

#include <string>
#include <string_view>

namespace wgmesh::lan {

struct LanReport {
  std::string pubkey;  // the sender's wg_pubkey (to drop our own and to track newcomers)
  std::string json;    // the peer_report() document
};

// Builds the report for an announcement received from `source_ip`.
//
// The report carries wg_pubkey, hostname, mesh_ip, mesh_ipv6, endpoint, introducer,
// routable_networks and nat_type. Presence matters to the host's store (absent = "not
// reported", present and empty = "withdrawn"), so every field except endpoint is copied
// only when the announcement has it, with the value it has. endpoint is always
// resolve_lan(wg_endpoint, source_ip).
//
// Keys are read the way Go's encoding/json reads them (the sender may be a Go node or any
// other implementation): names match case-insensitively with Unicode simple folding, the
// last occurrence of a key wins, and null leaves a string or bool field untouched (but
// clears a list). A value of the wrong type rejects the whole announcement, as it makes
// Go's decoder fail. Returns false with a one-line `error` in that case.
bool build_lan_report(std::string_view payload, std::string_view source_ip, LanReport& out,
                      std::string& error);

// Go's case-insensitive match of a JSON object key against a lowercase ASCII field name.
bool go_key_matches(std::string_view json_key, std::string_view field);

// The "wg_pubkey" string of a JSON object (e.g. the host's local_node_json), or "".
std::string pubkey_of(std::string_view json);

}  // namespace wgmesh::lan
