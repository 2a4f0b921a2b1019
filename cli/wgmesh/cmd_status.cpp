// `wgmesh status --secret S [--interface I] [--json] [--mesh-subnet CIDR]`: the parameters
// derived from the secret (crypto.md §2.5), offline.
#include <cstdio>
#include <string>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "commands.h"
#include "flag_exit.h"
#include "go_flags.h"
#include "keys/derived_keys.h"
#include "keys/mesh_address.h"
#include "keys/secret.h"
#include "service_status.h"

namespace wgmesh::cli {

int cmd_status(const Args& args) {
  std::string secret_input, interface, mesh_subnet;
  bool json = false;
  GoFlagSet flags("status");
  flags.add_string("secret", &secret_input, "Mesh secret (required)");
  flags.add_string("interface", &interface, "WireGuard interface name");
  flags.add_bool("json", &json, "Print JSON");
  flags.add_string("mesh-subnet", &mesh_subnet, "Custom IPv4 mesh subnet (CIDR)");
  if (auto exit_code = parse_flags_or_exit(flags, args)) return *exit_code;
  if (secret_input.empty()) {
    std::fputs("Error: --secret is required\nUsage: wgmesh status --secret <SECRET>\n", stderr);
    return 1;
  }
  if (interface.empty()) interface = "wg0";
  auto secret = keys::secret_from_input(secret_input);
  if (!secret.ok()) {
    std::fprintf(stderr, "Failed to create config: failed to derive keys: %s\n", secret.message().c_str());
    return 1;
  }
  std::string_view secret_text(reinterpret_cast<const char*>(secret->data()), secret->size());
  auto derived = keys::derive_keys(secret_text);
  if (!derived.ok()) {
    std::fprintf(stderr, "Failed to create config: failed to derive keys: %s\n", derived.message().c_str());
    return 1;
  }
  std::string subnet_text = keys::mesh_subnet_cidr(*derived);
  if (!mesh_subnet.empty()) {
    auto custom = keys::parse_mesh_subnet(mesh_subnet);
    if (!custom.ok()) {
      std::fprintf(stderr, "Failed to create config: %s\n", custom.message().c_str());
      return 1;
    }
    subnet_text = (*custom)->to_string() + " (custom)";
  }
  std::string service = service_status();
  if (json) {
    rapidjson::StringBuffer buf;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
    w.SetIndent(' ', 2);
    w.StartObject();
    w.Key("interface");
    w.String(interface.c_str());
    w.Key("network_id");
    w.String(keys::network_id_short_hex(*derived).c_str());
    w.Key("mesh_subnet");
    w.String(subnet_text.c_str());
    w.Key("mesh_ipv6_prefix");
    w.String(keys::mesh_prefix_v6_status(*derived).c_str());
    w.Key("gossip_port");
    w.Uint(derived->gossip_port);
    w.Key("rendezvous_id");
    w.String(keys::rendezvous_id_hex(*derived).c_str());
    if (!service.empty()) {
      w.Key("service_status");
      w.String(service.c_str());
    }
    w.EndObject();
    std::printf("%s\n", buf.GetString());
    return 0;
  }
  std::printf(
      "Mesh Status\n===========\nInterface: %s\nNetwork ID: %s\nMesh Subnet: %s\n"
      "Mesh IPv6 Prefix: %s\nGossip Port: %u\nRendezvous ID: %s\n\nService Status: %s\n\n"
      "(Run 'wg show' to see connected peers)\n",
      interface.c_str(), keys::network_id_short_hex(*derived).c_str(), subnet_text.c_str(),
      keys::mesh_prefix_v6_status(*derived).c_str(), derived->gossip_port,
      keys::rendezvous_id_hex(*derived).c_str(), service.c_str());
  return 0;
}

}  // namespace wgmesh::cli
