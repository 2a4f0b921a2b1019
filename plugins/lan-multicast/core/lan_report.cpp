#include "core/lan_report.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <vector>

#include "core/endpoint.h"

namespace wgmesh::lan {
namespace {

// The fields of a PeerAnnouncement the report needs, with Go's presence semantics.
struct Announcement {
  std::optional<std::string> wg_pubkey;
  std::optional<std::string> hostname;
  std::optional<std::string> mesh_ip;
  std::optional<std::string> mesh_ipv6;
  std::optional<std::string> wg_endpoint;
  std::optional<bool> introducer;
  std::optional<std::vector<std::string>> routable_networks;
  std::optional<std::string> nat_type;
};

bool read_string(const rapidjson::Value& v, const char* key, std::optional<std::string>& out,
                 std::string& error) {
  if (v.IsNull()) return true;  // Go: null leaves a string untouched
  if (!v.IsString()) {
    error = std::string("announcement: '") + key + "' is not a string";
    return false;
  }
  out.emplace(v.GetString(), v.GetStringLength());
  return true;
}

bool read_networks(const rapidjson::Value& v, std::optional<std::vector<std::string>>& out,
                   std::string& error) {
  if (v.IsNull()) {  // Go: null sets a slice to nil, i.e. "not announced"
    out.reset();
    return true;
  }
  if (!v.IsArray()) {
    error = "announcement: 'routable_networks' is not an array";
    return false;
  }
  std::vector<std::string> nets;
  for (const auto& item : v.GetArray()) {
    if (!item.IsString()) {
      error = "announcement: 'routable_networks' holds a non-string";
      return false;
    }
    nets.emplace_back(item.GetString(), item.GetStringLength());
  }
  out = std::move(nets);
  return true;
}

bool decode(const rapidjson::Value& obj, Announcement& a, std::string& error) {
  // Members in document order, so a later duplicate overwrites an earlier one as in Go.
  for (const auto& m : obj.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    const rapidjson::Value& v = m.value;
    bool ok = true;
    if (go_key_matches(key, "wg_pubkey")) {
      ok = read_string(v, "wg_pubkey", a.wg_pubkey, error);
    } else if (go_key_matches(key, "hostname")) {
      ok = read_string(v, "hostname", a.hostname, error);
    } else if (go_key_matches(key, "mesh_ip")) {
      ok = read_string(v, "mesh_ip", a.mesh_ip, error);
    } else if (go_key_matches(key, "mesh_ipv6")) {
      ok = read_string(v, "mesh_ipv6", a.mesh_ipv6, error);
    } else if (go_key_matches(key, "wg_endpoint")) {
      ok = read_string(v, "wg_endpoint", a.wg_endpoint, error);
    } else if (go_key_matches(key, "introducer")) {
      if (v.IsBool()) {
        a.introducer = v.GetBool();
      } else if (!v.IsNull()) {
        error = "announcement: 'introducer' is not a boolean";
        ok = false;
      }
    } else if (go_key_matches(key, "routable_networks")) {
      ok = read_networks(v, a.routable_networks, error);
    } else if (go_key_matches(key, "nat_type")) {
      ok = read_string(v, "nat_type", a.nat_type, error);
    }
    if (!ok) return false;
  }
  return true;
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void put(Writer& w, const char* key, const std::optional<std::string>& value) {
  if (value) put(w, key, *value);
}

// Decodes one UTF-8 sequence at s[i] and advances i. Malformed or overlong input yields
// U+FFFD after one byte (as Go's utf8.DecodeRune), which then matches no field name.
char32_t next_rune(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t extra = 0;
  char32_t r = 0;
  char32_t min = 0;
  if (b < 0x80) {
    ++i;
    return b;
  } else if ((b & 0xe0) == 0xc0) {
    extra = 1, r = b & 0x1f, min = 0x80;
  } else if ((b & 0xf0) == 0xe0) {
    extra = 2, r = b & 0x0f, min = 0x800;
  } else if ((b & 0xf8) == 0xf0) {
    extra = 3, r = b & 0x07, min = 0x10000;
  } else {
    ++i;
    return 0xfffd;
  }
  if (i + extra >= s.size()) {
    ++i;
    return 0xfffd;
  }
  for (size_t k = 1; k <= extra; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xc0) != 0x80) {
      ++i;
      return 0xfffd;
    }
    r = (r << 6) | (c & 0x3f);
  }
  if (r < min || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) {
    ++i;
    return 0xfffd;
  }
  i += extra + 1;
  return r;
}

}  // namespace

bool go_key_matches(std::string_view json_key, std::string_view field) {
  // bytes.EqualFold semantics restricted to an ASCII field name: ASCII letters match either
  // case, and the only non-ASCII runes whose simple case folding reaches ASCII are the
  // Kelvin sign (k) and the long s (s).
  size_t i = 0;
  for (char want : field) {
    if (i >= json_key.size()) return false;
    char32_t r = next_rune(json_key, i);
    char32_t lower = (r >= 'A' && r <= 'Z') ? r + ('a' - 'A') : r;
    if (lower == static_cast<unsigned char>(want)) continue;
    if (want == 'k' && r == 0x212a) continue;
    if (want == 's' && r == 0x017f) continue;
    return false;
  }
  return i == json_key.size();
}

bool build_lan_report(std::string_view payload, std::string_view source_ip, LanReport& out,
                      std::string& error) {
  rapidjson::Document doc;
  doc.Parse(payload.data(), payload.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    error = "announcement: not a JSON object";
    return false;
  }
  Announcement a;
  if (!decode(doc, a, error)) return false;
  if (!a.wg_pubkey || a.wg_pubkey->empty()) {
    error = "announcement: no wg_pubkey";
    return false;
  }
  std::string endpoint = resolve_lan(a.wg_endpoint.value_or(""), source_ip);

  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  // A LAN announcement is the sender speaking for itself, and Go omits false, empty and ""
  // fields: an absent hostname, IPv6 address, introducer flag or route list therefore MEANS
  // none, and is reported as such so a peer can drop its introducer role or withdraw routes.
  put(w, "wg_pubkey", *a.wg_pubkey);
  put(w, "hostname", a.hostname.value_or(""));
  put(w, "mesh_ip", a.mesh_ip);
  put(w, "mesh_ipv6", a.mesh_ipv6.value_or(""));
  if (!endpoint.empty()) put(w, "endpoint", endpoint);
  w.Key("introducer");
  w.Bool(a.introducer.value_or(false));
  w.Key("routable_networks");
  w.StartArray();
  if (a.routable_networks)
    for (const auto& n : *a.routable_networks)
      w.String(n.data(), static_cast<rapidjson::SizeType>(n.size()));
  w.EndArray();
  put(w, "nat_type", a.nat_type);
  w.EndObject();

  out.pubkey = std::move(*a.wg_pubkey);
  out.json.assign(buf.GetString(), buf.GetSize());
  return true;
}

std::string pubkey_of(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return {};
  auto it = doc.FindMember("wg_pubkey");
  if (it == doc.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

}  // namespace wgmesh::lan
