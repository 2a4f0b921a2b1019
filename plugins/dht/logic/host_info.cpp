#include "host_info.h"

#include <rapidjson/document.h>

#include <array>
#include <cstdint>

#include "wgmesh/dht/nodes_file.h"

namespace wgmesh::dht::plugin {

namespace {

std::optional<rapidjson::Document> parse_object(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  return doc;
}

std::string string_member(const rapidjson::Document& d, const char* key) {
  auto it = d.FindMember(key);
  if (it == d.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

bool bool_member(const rapidjson::Document& d, const char* key, bool dflt) {
  auto it = d.FindMember(key);
  return it != d.MemberEnd() && it->value.IsBool() ? it->value.GetBool() : dflt;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

NodeSettings parse_node_settings(std::string_view json) {
  NodeSettings s;
  auto d = parse_object(json);
  if (!d) return s;
  if (std::string i = string_member(*d, "interface"); !i.empty()) s.interface = std::move(i);
  s.no_ipv6 = bool_member(*d, "no_ipv6", false);
  s.no_punching = bool_member(*d, "no_punching", false);
  return s;
}

std::string local_endpoint(std::string_view local_node_json) {
  auto d = parse_object(local_node_json);
  return d ? string_member(*d, "endpoint") : std::string();
}

std::string peer_pubkey(std::string_view peer_json) {
  auto d = parse_object(peer_json);
  if (!d) return {};
  std::string k = string_member(*d, "wg_pubkey");
  return k.empty() ? string_member(*d, "pubkey") : k;
}

std::optional<std::string> nodes_file_path(std::string_view state_dir, std::string_view iface,
                                           std::string_view network_id_tag, std::string& error) {
  if (state_dir.empty()) {
    error = "the host gave no state directory";
    return std::nullopt;
  }
  // Linux interface names: 1..15 bytes, no '/', not "." or ".."; anything else could point
  // the file outside the state directory.
  bool iface_ok = !iface.empty() && iface.size() <= 15 && iface != "." && iface != "..";
  for (char c : iface)
    if (c == '/' || static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) iface_ok = false;
  if (!iface_ok) {
    error = "unusable interface name for the nodes file";
    return std::nullopt;
  }
  std::array<uint8_t, 8> id{};
  bool tag_ok = network_id_tag.size() == 16;
  for (size_t i = 0; tag_ok && i < 8; ++i) {
    const int hi = hex_digit(network_id_tag[2 * i]), lo = hex_digit(network_id_tag[2 * i + 1]);
    tag_ok = hi >= 0 && lo >= 0;
    if (tag_ok) id[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  if (!tag_ok) {
    error = "the host's network_id_tag is not 16 lowercase hex digits";
    return std::nullopt;
  }
  std::string dir(state_dir);
  if (dir.back() != '/') dir += '/';
  return dir + nodes_file_name(iface, id);
}

}  // namespace wgmesh::dht::plugin
