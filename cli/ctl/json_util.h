// Small rapidjson helpers shared by wgmeshctl's client and commands and by `wgmesh peers`
// (which links wgmesh_ctl), so both read and write the daemon's JSON the same way.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

namespace wgmesh::ctl {

// The value's compact JSON text.
inline std::string compact_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

// {"pubkey": key}: the params of peers.get.
inline std::string pubkey_params(const std::string& key) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("pubkey");
  w.String(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// The member `name` of an object, or nullptr.
inline const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

// Go's `v, _ := m[name].(string)`: the string, or "" for anything else.
inline std::string string_member(const rapidjson::Value& obj, const char* name) {
  const rapidjson::Value* v = member(obj, name);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

// The string items of an array member; other item types are skipped, as the original does.
inline std::vector<std::string> string_items(const rapidjson::Value& obj, const char* name) {
  std::vector<std::string> out;
  const rapidjson::Value* v = member(obj, name);
  if (v && v->IsArray())
    for (const auto& item : v->GetArray())
      if (item.IsString()) out.emplace_back(item.GetString(), item.GetStringLength());
  return out;
}

}  // namespace wgmesh::ctl
