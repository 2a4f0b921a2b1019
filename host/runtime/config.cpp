#include "runtime/config.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <toml++/toml.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "common/atomic_file.h"
#include "common/text.h"

namespace wgmesh {
namespace {

std::string where(const std::string& source, const toml::node& node) {
  const auto& src = node.source();
  if (src.begin.line == 0) return source;
  return source + ":" + std::to_string(src.begin.line);
}

Error type_error(const std::string& source, const toml::node& node, const std::string& key,
                 const char* expected) {
  return Error{where(source, node) + ": key '" + key + "' must be " + expected};
}

Status read_string(const std::string& source, const toml::node& node, const std::string& key,
                   std::string& out) {
  auto v = node.value<std::string>();
  if (!node.is_string() || !v) return type_error(source, node, key, "a string");
  out = *v;
  return {};
}

Status read_bool(const std::string& source, const toml::node& node, const std::string& key,
                 bool& out) {
  if (!node.is_boolean()) return type_error(source, node, key, "true or false");
  out = *node.value<bool>();
  return {};
}

Status read_port(const std::string& source, const toml::node& node, const std::string& key,
                 uint16_t& out) {
  if (!node.is_integer()) return type_error(source, node, key, "an integer");
  int64_t v = *node.value<int64_t>();
  if (v < 1 || v > 65535)
    return Error{where(source, node) + ": key '" + key + "' must be a port (1-65535), got " +
                 std::to_string(v)};
  out = static_cast<uint16_t>(v);
  return {};
}

Status read_string_array(const std::string& source, const toml::node& node, const std::string& key,
                         std::vector<std::string>& out) {
  const toml::array* arr = node.as_array();
  if (!arr) return type_error(source, node, key, "an array of strings");
  out.clear();
  for (const auto& item : *arr) {
    auto s = item.value<std::string>();
    if (!item.is_string() || !s) return type_error(source, item, key, "an array of strings");
    out.push_back(*s);
  }
  return {};
}

// TOML's own text for dates and times (RFC 3339 shapes). Written here rather than with
// toml++'s stream formatters, which would pull iostream formatting and libm into the daemon.
std::string toml_date_text(const toml::date& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", static_cast<unsigned>(d.year),
                static_cast<unsigned>(d.month), static_cast<unsigned>(d.day));
  return buf;
}

std::string toml_time_text(const toml::time& t) {
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%02u:%02u:%02u", static_cast<unsigned>(t.hour),
                        static_cast<unsigned>(t.minute), static_cast<unsigned>(t.second));
  if (t.nanosecond != 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, "%09u", static_cast<unsigned>(t.nanosecond));
    std::string digits(frac);
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ".%s", digits.c_str());
  }
  return buf;
}

std::string toml_date_time_text(const toml::date_time& dt) {
  std::string text = toml_date_text(dt.date) + "T" + toml_time_text(dt.time);
  if (dt.offset) {
    int minutes = dt.offset->minutes;
    if (minutes == 0) return text + "Z";
    char buf[16];
    char sign = minutes < 0 ? '-' : '+';
    if (minutes < 0) minutes = -minutes;
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, minutes / 60, minutes % 60);
    text += buf;
  }
  return text;
}

// TOML value -> JSON (for plugin tables). Dates/times become strings.
void to_json(const toml::node& node, rapidjson::Writer<rapidjson::StringBuffer>& w) {
  if (auto t = node.as_table()) {
    w.StartObject();
    for (const auto& [k, v] : *t) {
      w.Key(k.data(), static_cast<rapidjson::SizeType>(k.length()));
      to_json(v, w);
    }
    w.EndObject();
  } else if (auto a = node.as_array()) {
    w.StartArray();
    for (const auto& v : *a) to_json(v, w);
    w.EndArray();
  } else if (auto s = node.as_string()) {
    w.String(s->get().c_str(), static_cast<rapidjson::SizeType>(s->get().size()));
  } else if (auto i = node.as_integer()) {
    w.Int64(i->get());
  } else if (auto f = node.as_floating_point()) {
    w.Double(f->get());
  } else if (auto b = node.as_boolean()) {
    w.Bool(b->get());
  } else {
    // Dates and times have no JSON type: hand them over as their TOML text.
    std::string text;
    if (auto d = node.as_date())
      text = toml_date_text(d->get());
    else if (auto t = node.as_time())
      text = toml_time_text(t->get());
    else if (auto dt = node.as_date_time())
      text = toml_date_time_text(dt->get());
    w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  }
}

Status parse_node_table(const std::string& source, const toml::table& table, NodeConfig& node) {
  for (const auto& [k, v] : table) {
    std::string key(k.str());
    Status st;
    if (key == "secret")
      st = read_string(source, v, key, node.secret);
    else if (key == "secret_file")
      st = read_string(source, v, key, node.secret_file);
    else if (key == "interface") {
      st = read_string(source, v, key, node.interface);
      if (st.ok()) {
        Status valid = validate_interface_name(node.interface);
        if (!valid.ok()) return Error{where(source, v) + ": " + valid.message()};
      }
    } else if (key == "listen_port")
      st = read_port(source, v, key, node.listen_port);
    else if (key == "state_dir")
      st = read_string(source, v, key, node.state_dir);
    else if (key == "log_level") {
      std::string level;
      st = read_string(source, v, key, level);
      if (st.ok() && !parse_log_level(level, node.log_level))
        return Error{where(source, v) + ": key 'log_level' must be debug, info, warn or error"};
    } else if (key == "backend") {
      std::string b;
      st = read_string(source, v, key, b);
      if (st.ok() && !parse_backend_choice(b, node.backend))
        return Error{where(source, v) + ": key 'backend' must be auto, kernel or userspace"};
    } else if (key == "userspace_program")
      st = read_string(source, v, key, node.userspace_program);
    else if (key == "uapi_dir")
      st = read_string(source, v, key, node.uapi_dir);
    else if (key == "mesh_subnet")
      st = read_string(source, v, key, node.mesh_subnet);
    else if (key == "advertise_routes")
      st = read_string_array(source, v, key, node.advertise_routes);
    else if (key == "hostname")
      st = read_string(source, v, key, node.hostname);
    else if (key == "introducer")
      st = read_bool(source, v, key, node.introducer);
    else if (key == "force_relay")
      st = read_bool(source, v, key, node.force_relay);
    else if (key == "no_ipv6")
      st = read_bool(source, v, key, node.no_ipv6);
    else if (key == "no_punching")
      st = read_bool(source, v, key, node.no_punching);
    else
      return Error{where(source, v) + ": unknown key 'node." + key + "'"};
    if (!st.ok()) return st;
  }
  return {};
}

Status parse_plugins_table(const std::string& source, const toml::table& table,
                           PluginsConfig& plugins) {
  for (const auto& [k, v] : table) {
    std::string key(k.str());
    if (key == "dir") {
      Status st = read_string(source, v, key, plugins.dir);
      if (!st.ok()) return st;
    } else if (key == "enable") {
      Status st = read_string_array(source, v, "plugins.enable", plugins.enable);
      if (!st.ok()) return st;
      std::set<std::string> seen;
      for (const auto& name : plugins.enable)
        if (!seen.insert(name).second)
          return Error{where(source, v) + ": plugin '" + name + "' is listed twice in enable"};
    } else if (const toml::table* sub = v.as_table()) {
      PluginTable pt;
      rapidjson::StringBuffer buf;
      rapidjson::Writer<rapidjson::StringBuffer> w(buf);
      to_json(*sub, w);
      pt.json.assign(buf.GetString(), buf.GetSize());
      for (const auto& [sk, sv] : *sub)
        pt.key_lines[std::string(sk.str())] = static_cast<int>(sv.source().begin.line);
      plugins.tables[key] = std::move(pt);
    } else {
      return Error{where(source, v) + ": unknown key 'plugins." + key +
                   "' (expected dir, enable or a [plugins." + key + "] table)"};
    }
  }
  return {};
}

Result<std::string> read_secret_file(const std::string& path, const char* what) {
  auto text = read_file(path);
  if (!text) return Error{std::string("cannot read ") + what + " '" + path + "'"};
  return trim(*text);
}

}  // namespace

Status validate_interface_name(const std::string& name) {
  if (name.empty() || name.size() > 15)
    return Error{"interface name '" + name + "' must be 1 to 15 characters"};
  if (!std::isalpha(static_cast<unsigned char>(name[0])))
    return Error{"interface name '" + name + "' must start with a letter"};
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
      return Error{"interface name '" + name + "' may contain only letters, digits, '_' and '-'"};
  return {};
}

bool parse_backend_choice(std::string_view text, BackendChoice& out) {
  if (text == "auto")
    out = BackendChoice::Auto;
  else if (text == "kernel")
    out = BackendChoice::Kernel;
  else if (text == "userspace")
    out = BackendChoice::Userspace;
  else
    return false;
  return true;
}

Result<Config> parse_config(const std::string& text, const std::string& source) {
  Config config;
  config.source = source;
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& err) {
    return Error{source + ":" + std::to_string(err.source().begin.line) + ": " +
                 std::string(err.description())};
  }
  for (const auto& [k, v] : root) {
    std::string key(k.str());
    if (key == "node") {
      const toml::table* t = v.as_table();
      if (!t) return type_error(source, v, key, "a table");
      Status st = parse_node_table(source, *t, config.node);
      if (!st.ok()) return st.error();
    } else if (key == "plugins") {
      const toml::table* t = v.as_table();
      if (!t) return type_error(source, v, key, "a table");
      Status st = parse_plugins_table(source, *t, config.plugins);
      if (!st.ok()) return st.error();
    } else {
      return Error{where(source, v) + ": unknown key '" + key + "' (expected [node] or [plugins])"};
    }
  }
  return config;
}

Result<Config> load_config_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return Error{"cannot read config file '" + path + "'"};
  return parse_config(*text, path);
}

Result<std::string> resolve_secret_text(const NodeConfig& node) {
  if (!node.secret_cli.empty()) return node.secret_cli;
  if (const char* env = std::getenv("WGMESH_SECRET"); env && *env) return std::string(env);
  if (const char* env = std::getenv("WGMESH_SECRET_FILE"); env && *env)
    return read_secret_file(env, "WGMESH_SECRET_FILE");
  if (!node.secret.empty()) return node.secret;
  if (!node.secret_file.empty()) return read_secret_file(node.secret_file, "secret_file");
  return std::string();
}

}  // namespace wgmesh
