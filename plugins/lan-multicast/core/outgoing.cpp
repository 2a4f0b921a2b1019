#include "core/outgoing.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/lan_report.h"

namespace wgmesh::lan {

std::optional<std::string> without_routable_networks(std::string_view payload) {
  rapidjson::Document doc;
  doc.Parse(payload.data(), payload.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  bool removed = false;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd();) {
    if (go_key_matches({it->name.GetString(), it->name.GetStringLength()}, "routable_networks")) {
      it = doc.EraseMember(it);  // EraseMember keeps the order (RemoveMember would not)
      removed = true;
    } else {
      ++it;
    }
  }
  if (!removed) return std::nullopt;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace wgmesh::lan
