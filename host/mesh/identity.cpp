#include "mesh/identity.h"

#include <filesystem>

#include <rapidjson/document.h>

#include "common/atomic_file.h"

namespace wgmesh {

std::string identity_path(const std::string& state_dir, const std::string& ifname) {
  return (std::filesystem::path(state_dir) / (ifname + ".json")).string();
}

Result<NodeIdentity> parse_identity(const std::string& json, const std::string& source) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  auto bad = [&](const std::string& why) {
    return Error{"identity file " + source + " is corrupt (" + why +
                 "); refusing to start with a new identity. Fix or move the file away to create a new key pair"};
  };
  if (doc.HasParseError() || !doc.IsObject()) return bad("not a JSON object");
  auto text = [&](const char* key) -> std::string {
    auto it = doc.FindMember(key);
    return it != doc.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
  };
  NodeIdentity id;
  auto priv = wg::Key::from_base64(text("wg_private_key"));
  if (!priv.ok()) return bad("wg_private_key: " + priv.message());
  auto pub = wg::Key::from_base64(text("wg_pubkey"));
  if (!pub.ok()) return bad("wg_pubkey: " + pub.message());
  id.private_key = *priv;
  id.public_key = priv->public_key();
  if (id.public_key != *pub) return bad("wg_pubkey does not belong to wg_private_key");
  id.public_key_text = id.public_key.to_base64();
  id.mesh_ip = text("mesh_ip");
  id.mesh_ipv6 = text("mesh_ipv6");
  return id;
}

std::string serialize_identity(const NodeIdentity& id) {
  // Go's json.MarshalIndent(v, "", "  ") of the original's struct, byte for byte.
  std::string out = "{\n  \"wg_pubkey\": \"" + id.public_key_text + "\",\n  \"wg_private_key\": \"" +
                    id.private_key.to_base64() + "\"";
  if (!id.mesh_ip.empty()) out += ",\n  \"mesh_ip\": \"" + id.mesh_ip + "\"";
  if (!id.mesh_ipv6.empty()) out += ",\n  \"mesh_ipv6\": \"" + id.mesh_ipv6 + "\"";
  out += "\n}";
  return out;
}

Status save_identity(const std::string& state_dir, const std::string& ifname, const NodeIdentity& id) {
  Status dir = ensure_directory(state_dir, 0700);
  if (!dir.ok()) return dir;
  return write_file_atomically(identity_path(state_dir, ifname), serialize_identity(id), 0600);
}

Result<NodeIdentity> load_or_create_identity(const std::string& state_dir, const std::string& ifname) {
  std::string path = identity_path(state_dir, ifname);
  auto content = read_file(path);
  if (content.ok()) return parse_identity(*content, path);
  if (content.message().rfind("not found:", 0) != 0) return content.error();
  NodeIdentity id;
  id.private_key = wg::Key::generate_private();
  id.public_key = id.private_key.public_key();
  id.public_key_text = id.public_key.to_base64();
  id.created = true;
  Status st = save_identity(state_dir, ifname, id);
  if (!st.ok()) return Error{"cannot save new identity: " + st.message()};
  return id;
}

}  // namespace wgmesh
