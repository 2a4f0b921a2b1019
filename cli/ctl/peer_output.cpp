#include "ctl/peer_output.h"

#include <cstdio>

#include "ctl/human_units.h"
#include "ctl/text_table.h"

namespace wgmesh::ctl {
namespace {

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string joined(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

void field(std::ostream& out, const char* label, const std::string& value) {
  std::string l = std::string(label) + ":";
  l.resize(std::max<size_t>(l.size() + 1, 16), ' ');
  out << l << value << '\n';
}

std::string count_text(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsNumber()) return "-";
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", it->value.GetDouble());
  return buf;
}

}  // namespace

std::string handshake_text(const Timestamp& t, int64_t now_unix) {
  if (!t.present) return "-";
  if (t.never) return "never";
  return format_ago(t.unix, now_unix);
}

std::string bytes_text(const std::optional<uint64_t>& bytes) {
  return bytes ? format_bytes(*bytes) : "-";
}

void render_peer_table(const std::vector<PeerView>& peers, int64_t now_unix, std::ostream& out) {
  if (peers.empty()) {
    out << "No active peers\n";
    return;
  }
  TextTable table({"HOSTNAME", "PUBLIC KEY", "MESH IP", "ENDPOINT", "DISCOVERED VIA",
                   "LAST HANDSHAKE", "RX", "TX"});
  for (const auto& p : peers)
    table.add_row({or_dash(p.hostname), p.pubkey, or_dash(p.mesh_ip), or_dash(p.endpoint),
                   or_dash(joined(p.discovered_via, ",")),
                   handshake_text(p.last_handshake, now_unix), bytes_text(p.rx_bytes),
                   bytes_text(p.tx_bytes)});
  table.render(out);
}

void render_peer_detail(const PeerView& p, int64_t now_unix, std::ostream& out) {
  out << "Peer Information\n================\n";
  if (!p.hostname.empty()) field(out, "Hostname", p.hostname);
  field(out, "Public Key", p.pubkey);
  field(out, "Mesh IP", or_dash(p.mesh_ip));
  if (!p.mesh_ipv6.empty()) field(out, "Mesh IPv6", p.mesh_ipv6);
  field(out, "Endpoint", or_dash(p.endpoint));
  if (!p.discovered_via.empty()) field(out, "Discovered Via", joined(p.discovered_via, ", "));
  if (p.last_seen.present)
    field(out, "Last Seen",
          p.last_seen.never
              ? "never"
              : p.last_seen.raw + " (" + format_ago(p.last_seen.unix, now_unix) + ")");
  if (p.last_handshake.present)
    field(out, "Last Handshake", handshake_text(p.last_handshake, now_unix));
  if (p.rx_bytes || p.tx_bytes)
    field(out, "Transfer", "rx " + bytes_text(p.rx_bytes) + ", tx " + bytes_text(p.tx_bytes));
  if (!p.routable_networks.empty()) field(out, "Routes", joined(p.routable_networks, ", "));
  if (p.latency_ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f ms", *p.latency_ms);
    field(out, "Latency", buf);
  }
  if (!p.nat_type.empty()) field(out, "NAT Type", p.nat_type);
  if (!p.relay_via.empty()) field(out, "Relay Via", p.relay_via);
  if (p.active) field(out, "Active", *p.active ? "yes" : "no");
  for (const auto& [name, value] : p.extra) field(out, name.c_str(), value);
}

bool render_peer_counts(const rapidjson::Value& result, std::ostream& out) {
  if (!result.IsObject()) return false;
  out << "Peer Statistics\n===============\n";
  out << "Active peers: " << count_text(result, "active") << '\n';
  out << "Total peers:  " << count_text(result, "total") << '\n';
  out << "Dead peers:   " << count_text(result, "dead") << '\n';
  return true;
}

}  // namespace wgmesh::ctl
