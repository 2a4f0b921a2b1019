// Reading what the host hands the plugin as JSON (node settings, the local node, a stored
// peer) and deriving the nodes-file path from it. Lenient where the host may add fields,
// strict where a value ends up in a file name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wgmesh::dht::plugin {

struct NodeSettings {
  std::string interface = "wg0";
  bool no_ipv6 = false;
  bool no_punching = false;
};

// Missing or mistyped keys keep their defaults (the host owns and validates these).
NodeSettings parse_node_settings(std::string_view json);

// "endpoint" of local_node_json ("" if absent).
std::string local_endpoint(std::string_view local_node_json);

// "wg_pubkey" (or "pubkey") of a peer record ("" if absent).
std::string peer_pubkey(std::string_view peer_json);

// <state_dir>/<iface>-<network_id_tag>-dht.nodes (discovery.md §3.5). nullopt, with a
// reason, when the interface name could escape the directory or the tag is not 16 hex.
std::optional<std::string> nodes_file_path(std::string_view state_dir, std::string_view iface,
                                           std::string_view network_id_tag, std::string& error);

}  // namespace wgmesh::dht::plugin
