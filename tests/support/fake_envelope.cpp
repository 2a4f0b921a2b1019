#include "fake_envelope.h"

#include <arpa/inet.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <wgmesh/plugin.h>

#include <random>

namespace wgmesh::test {
namespace {

constexpr int64_t kMaxAgeS = 600;

bool is_ip(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool is_cidr(const std::string& s) {
  size_t slash = s.find('/');
  if (slash == std::string::npos || slash + 1 >= s.size() || s.size() - slash > 4) return false;
  std::string ip = s.substr(0, slash);
  if (!is_ip(ip)) return false;
  int bits = 0;
  for (char c : s.substr(slash + 1)) {
    if (c < '0' || c > '9') return false;
    bits = bits * 10 + (c - '0');
  }
  return bits <= (ip.find(':') == std::string::npos ? 32 : 128);
}

bool is_pubkey(const std::string& s) {
  if (s.size() != 44 || s[43] != '=') return false;
  for (size_t i = 0; i < 43; ++i) {
    char c = s[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

// host:port with port 1..65535 (Go's SplitHostPort shape; the host is not checked).
bool is_endpoint(const std::string& s) {
  size_t colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = s.substr(0, colon);
  if (!host.empty() && host.front() == '[') {
    if (host.back() != ']') return false;
  } else if (host.find(':') != std::string::npos) {
    return false;
  }
  std::string port = s.substr(colon + 1);
  if (port.empty() || port.size() > 5) return false;
  long p = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    p = p * 10 + (c - '0');
  }
  return p >= 1 && p <= 65535;
}

bool is_hostname(const std::string& s) {
  if (s.size() > 253) return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) return false;
  return true;
}

bool fail(std::string& why, std::string what) {
  why = std::move(what);
  return false;
}

std::string str(const rapidjson::Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

// The rules shared by an announcement and each of its known_peers entries.
bool valid_peer(const rapidjson::Value& p, std::string& why) {
  if (!is_pubkey(str(p, "wg_pubkey"))) return fail(why, "wg_pubkey");
  if (!is_ip(str(p, "mesh_ip"))) return fail(why, "mesh_ip");
  std::string ep = str(p, "wg_endpoint");
  if (!ep.empty() && !is_endpoint(ep)) return fail(why, "wg_endpoint");
  if (!is_hostname(str(p, "hostname"))) return fail(why, "hostname");
  return true;
}

}  // namespace

FakeEnvelope::FakeEnvelope(std::string key) : key_(std::move(key)) {
  // Distinct per instance (and per process), so two fake hosts never mint the same nonce.
  std::random_device rd;
  nonce_prefix_ = std::to_string(rd()) + "-" + std::to_string(rd()) + "-";
}

bool FakeEnvelope::seal_with(std::string_view key, std::string_view nonce, std::string_view type,
                             std::string_view payload, std::string& out) {
  rapidjson::Document check;
  check.Parse(payload.data(), payload.size());
  if (check.HasParseError() || !check.IsObject()) return false;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("type");
  w.String(type.data(), static_cast<rapidjson::SizeType>(type.size()));
  w.Key("nonce");
  w.String(nonce.data(), static_cast<rapidjson::SizeType>(nonce.size()));
  w.Key("key");
  w.String(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.Key("payload");
  w.RawValue(payload.data(), payload.size(), rapidjson::kObjectType);
  w.EndObject();
  out.assign(buf.GetString(), buf.GetSize());
  return true;
}

bool FakeEnvelope::seal(std::string_view type, std::string_view payload, std::string& out) {
  return seal_with(key_, nonce_prefix_ + std::to_string(++counter_), type, payload, out);
}

int FakeEnvelope::open(std::string_view datagram, uint32_t flags, int64_t now_unix_s,
                       std::string& type, std::string& payload) {
  rapidjson::Document doc;
  doc.Parse(datagram.data(), datagram.size());
  if (doc.HasParseError() || !doc.IsObject()) return WGM_ERR_AUTH;
  auto p = doc.FindMember("payload");
  std::string nonce = str(doc, "nonce");
  if (p == doc.MemberEnd() || !p->value.IsObject() || nonce.empty() || !doc.HasMember("type"))
    return WGM_ERR_AUTH;
  if (str(doc, "key") != key_) return WGM_ERR_AUTH;  // "the GCM tag does not verify"
  const rapidjson::Value& body = p->value;
  if (str(body, "protocol") != "wgmesh-v1") return WGM_ERR_AUTH;
  auto ts = body.FindMember("timestamp");
  int64_t stamp = ts != body.MemberEnd() && ts->value.IsInt64() ? ts->value.GetInt64() : 0;
  if (now_unix_s - stamp > kMaxAgeS || stamp > now_unix_s + kMaxAgeS) return WGM_ERR_AUTH;
  if (!(flags & WGM_OPEN_NO_REPLAY) && !seen_nonces_.insert(nonce).second) return WGM_ERR_AUTH;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  body.Accept(w);
  std::string text(buf.GetString(), buf.GetSize());
  std::string why;
  if ((flags & WGM_OPEN_STRICT) && !valid_announcement(text, why)) return WGM_ERR_INVALID;
  type = str(doc, "type");
  payload = std::move(text);
  return WGM_OK;
}

bool FakeEnvelope::valid_announcement(std::string_view payload, std::string& why) {
  rapidjson::Document doc;
  doc.Parse(payload.data(), payload.size());
  if (doc.HasParseError() || !doc.IsObject()) return fail(why, "not an object");
  if (!valid_peer(doc, why)) return false;
  if (auto it = doc.FindMember("routable_networks"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsArray() || it->value.Size() > 100) return fail(why, "routable_networks");
    for (const auto& n : it->value.GetArray())
      if (!n.IsString() || !is_cidr(n.GetString())) return fail(why, "routable_networks");
  }
  if (auto it = doc.FindMember("known_peers"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsArray() || it->value.Size() > 1000) return fail(why, "known_peers");
    for (const auto& kp : it->value.GetArray())
      if (!kp.IsObject() || !valid_peer(kp, why)) return fail(why, "known_peers." + why);
  }
  return true;
}

}  // namespace wgmesh::test
