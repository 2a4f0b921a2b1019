#include "keys/announcement.h"

#include "keys/go_json.h"
#include "keys/go_json_decode.h"

namespace wgmesh::keys {

namespace {

void decode_known_peer(GoJsonDecoder& d, const JsonValue& v, KnownPeer& peer) {
  d.decode_struct(
      v, "KnownPeer", "crypto.KnownPeer",
      {
          {"wg_pubkey", [&](const JsonValue& x) { d.decode_string(x, peer.wg_pubkey); }},
          {"hostname", [&](const JsonValue& x) { d.decode_string(x, peer.hostname); }},
          {"mesh_ip", [&](const JsonValue& x) { d.decode_string(x, peer.mesh_ip); }},
          {"mesh_ipv6", [&](const JsonValue& x) { d.decode_string(x, peer.mesh_ipv6); }},
          {"wg_endpoint", [&](const JsonValue& x) { d.decode_string(x, peer.wg_endpoint); }},
          {"introducer", [&](const JsonValue& x) { d.decode_bool(x, peer.introducer); }},
          {"nat_type", [&](const JsonValue& x) { d.decode_string(x, peer.nat_type); }},
      });
}

}  // namespace

void write_known_peer(GoJsonWriter& w, const KnownPeer& peer) {
  w.begin_object();
  w.key("wg_pubkey").string(peer.wg_pubkey);
  if (!peer.hostname.empty()) w.key("hostname").string(peer.hostname);
  w.key("mesh_ip").string(peer.mesh_ip);
  if (!peer.mesh_ipv6.empty()) w.key("mesh_ipv6").string(peer.mesh_ipv6);
  w.key("wg_endpoint").string(peer.wg_endpoint);
  if (peer.introducer) w.key("introducer").boolean(true);
  if (!peer.nat_type.empty()) w.key("nat_type").string(peer.nat_type);
  w.end_object();
}

void write_announcement(GoJsonWriter& w, const PeerAnnouncement& a) {
  w.begin_object();
  w.key("protocol").string(a.protocol);
  w.key("wg_pubkey").string(a.wg_pubkey);
  if (!a.hostname.empty()) w.key("hostname").string(a.hostname);
  w.key("mesh_ip").string(a.mesh_ip);
  if (!a.mesh_ipv6.empty()) w.key("mesh_ipv6").string(a.mesh_ipv6);
  w.key("wg_endpoint").string(a.wg_endpoint);
  if (a.introducer) w.key("introducer").boolean(true);
  if (!a.routable_networks.empty()) {
    w.key("routable_networks").begin_array();
    for (const auto& network : a.routable_networks) w.string(network);
    w.end_array();
  }
  w.key("timestamp").integer(a.timestamp);
  if (!a.known_peers.empty()) {
    w.key("known_peers").begin_array();
    for (const auto& peer : a.known_peers) write_known_peer(w, peer);
    w.end_array();
  }
  if (!a.observed_endpoint.empty()) w.key("observed_endpoint").string(a.observed_endpoint);
  if (!a.nat_type.empty()) w.key("nat_type").string(a.nat_type);
  w.end_object();
}

std::string announcement_to_json(const PeerAnnouncement& announcement) {
  GoJsonWriter w;
  write_announcement(w, announcement);
  return w.take();
}

Result<PeerAnnouncement> decode_announcement(std::string_view json) {
  auto doc = parse_go_json(json);
  if (!doc.ok()) return doc.error();

  PeerAnnouncement a;
  a.protocol.clear();  // decoding starts from Go's zero value
  GoSlice<std::string> networks;
  GoSlice<KnownPeer> peers;
  GoJsonDecoder d;
  d.decode_struct(
      *doc, "PeerAnnouncement", "crypto.PeerAnnouncement",
      {
          {"protocol", [&](const JsonValue& x) { d.decode_string(x, a.protocol); }},
          {"wg_pubkey", [&](const JsonValue& x) { d.decode_string(x, a.wg_pubkey); }},
          {"hostname", [&](const JsonValue& x) { d.decode_string(x, a.hostname); }},
          {"mesh_ip", [&](const JsonValue& x) { d.decode_string(x, a.mesh_ip); }},
          {"mesh_ipv6", [&](const JsonValue& x) { d.decode_string(x, a.mesh_ipv6); }},
          {"wg_endpoint", [&](const JsonValue& x) { d.decode_string(x, a.wg_endpoint); }},
          {"introducer", [&](const JsonValue& x) { d.decode_bool(x, a.introducer); }},
          {"routable_networks",
           [&](const JsonValue& x) {
             d.decode_slice<std::string>(
                 x, networks, "[]string",
                 [&](const JsonValue& e, std::string& out) { d.decode_string(e, out); });
           }},
          {"timestamp", [&](const JsonValue& x) { d.decode_int64(x, a.timestamp); }},
          {"known_peers",
           [&](const JsonValue& x) {
             d.decode_slice<KnownPeer>(
                 x, peers, "[]crypto.KnownPeer",
                 [&](const JsonValue& e, KnownPeer& out) { decode_known_peer(d, e, out); });
           }},
          {"observed_endpoint",
           [&](const JsonValue& x) { d.decode_string(x, a.observed_endpoint); }},
          {"nat_type", [&](const JsonValue& x) { d.decode_string(x, a.nat_type); }},
      });
  if (d.failed()) return Error{d.error()};
  a.routable_networks = networks.values();
  a.known_peers = peers.values();
  return a;
}

}  // namespace wgmesh::keys
