#include "ctl/daemon_output.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <set>
#include <string>

#include "ctl/human_units.h"
#include "ctl/text_table.h"

namespace wgmesh::ctl {
namespace {

std::string scalar_text(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsBool()) return v.GetBool() ? "yes" : "no";
  if (v.IsNull()) return "-";
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string member_text(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? std::string() : scalar_text(it->value);
}

void field(std::ostream& out, const std::string& label, const std::string& value) {
  std::string l = label + ":";
  l.resize(std::max<size_t>(l.size() + 1, 16), ' ');
  out << l << value << '\n';
}

}  // namespace

bool render_status(const rapidjson::Value& result, std::ostream& out) {
  if (!result.IsObject()) return false;
  out << "Daemon Status\n=============\n";
  const rapidjson::Value* plugins = nullptr;
  std::set<std::string> shown;
  for (const auto& m : result.GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    if (!shown.insert(name).second) continue;  // a repeated member is shown once
    const rapidjson::Value& v = m.value;
    if (name == "plugins" && v.IsArray()) {
      plugins = &v;
    } else if (name == "uptime_seconds" && v.IsNumber()) {
      field(out, "uptime", format_duration(static_cast<int64_t>(v.GetDouble())));
    } else if (name == "uptime" && v.IsNumber() && !result.HasMember("uptime_seconds")) {
      // The original reports uptime as a Go duration: nanoseconds.
      field(out, "uptime", format_duration(static_cast<int64_t>(v.GetDouble() / 1e9)));
    } else if (name != "uptime") {
      field(out, name, scalar_text(v));  // nested values are shown as compact JSON
    }
  }
  if (plugins) {
    out << "plugins:\n";
    TextTable table({"NAME", "VERSION", "STATE", "DETAIL"});
    for (const auto& p : plugins->GetArray()) {
      if (!p.IsObject()) continue;
      table.add_row({member_text(p, "name"), member_text(p, "version"), member_text(p, "state"),
                     member_text(p, "reason")});
    }
    table.render(out, "  ");
  }
  return true;
}

bool render_methods(const rapidjson::Value& result, std::ostream& out) {
  if (!result.IsArray()) return false;
  TextTable table({"METHOD", "OWNER", "DESCRIPTION"});
  for (const auto& m : result.GetArray()) {
    if (!m.IsObject()) continue;
    table.add_row(
        {member_text(m, "method"), member_text(m, "owner"), member_text(m, "description")});
  }
  table.render(out);
  return true;
}

}  // namespace wgmesh::ctl
