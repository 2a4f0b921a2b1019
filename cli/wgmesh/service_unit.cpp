#include "service_unit.h"

#include <cctype>

namespace wgmesh::cli {
namespace {

bool has_control_character(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

bool is_safe_exec_char(unsigned char c) {
  return std::isalnum(c) ||
         std::string_view("/._-+,:=@").find(static_cast<char>(c)) != std::string_view::npos;
}

// A path in a unit setting that is not a command line (EnvironmentFile=, ReadWritePaths=):
// only specifiers need escaping; characters that would need quoting there are refused.
Result<std::string> unit_path_value(std::string_view path) {
  if (path.empty() || path[0] != '/') return Error{"not an absolute path: " + std::string(path)};
  std::string out;
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f || c == ' ' || c == '"' || c == '\'' || c == '\\')
      return Error{"unsupported character in path " + std::string(path)};
    if (c == '%') out += '%';
    out += static_cast<char>(c);
  }
  return out;
}

}  // namespace

std::vector<std::string> join_arguments(const ServiceOptions& o) {
  std::vector<std::string> args = {"join"};
  if (!o.interface.empty() && o.interface != "wg0")
    args.insert(args.end(), {"--interface", o.interface});
  if (o.listen_port != 0 && o.listen_port != 51820)
    args.insert(args.end(), {"--listen-port", std::to_string(o.listen_port)});
  if (!o.advertise_routes.empty()) {
    std::string joined;
    for (const auto& r : o.advertise_routes) joined += (joined.empty() ? "" : ",") + r;
    args.insert(args.end(), {"--advertise-routes", joined});
  }
  if (o.privacy) args.push_back("--privacy");
  if (o.gossip) args.push_back("--gossip");
  if (o.no_lan_discovery) args.push_back("--no-lan-discovery");
  if (o.no_ipv6) args.push_back("--no-ipv6");
  if (o.force_relay) args.push_back("--force-relay");
  if (o.no_punching) args.push_back("--no-punching");
  if (o.introducer) args.push_back("--introducer");
  if (!o.mesh_subnet.empty()) args.insert(args.end(), {"--mesh-subnet", o.mesh_subnet});
  if (!o.state_dir.empty() && o.state_dir != kDefaultStateDir)
    args.insert(args.end(), {"--state-dir", o.state_dir});
  return args;
}

Result<std::string> systemd_exec_word(std::string_view word) {
  if (has_control_character(word))
    return Error{"a command-line word contains a control character: " + std::string(word)};
  bool bare = !word.empty();
  for (unsigned char c : word) bare = bare && is_safe_exec_char(c);
  std::string out = bare ? "" : "\"";
  for (char c : word) {
    if (c == '%' || c == '$') out += c;  // %% and $$ are systemd's literal % and $
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  if (!bare) out += '"';
  return out;
}

Result<std::string> render_service_unit(const ServiceOptions& options, const ServicePaths& paths,
                                        const std::string& state_dir) {
  if (options.binary.empty() || options.binary[0] != '/')
    return Error{"could not determine wgmesh binary path"};
  std::string exec;
  std::vector<std::string> words = {options.binary};
  for (auto& a : join_arguments(options)) words.push_back(std::move(a));
  for (const auto& w : words) {
    auto quoted = systemd_exec_word(w);
    if (!quoted.ok()) return quoted.error();
    exec += (exec.empty() ? "" : " ") + *quoted;
  }
  auto env_file = unit_path_value(paths.secret_env_path());
  if (!env_file.ok()) return env_file.error();
  auto writable = unit_path_value(state_dir);
  if (!writable.ok()) return writable.error();
  return "[Unit]\n"
         "Description=WireGuard Mesh Network (wgmesh)\n"
         "After=network-online.target\n"
         "Wants=network-online.target\n"
         "\n"
         "[Service]\n"
         "Type=simple\n"
         "# The secret reaches the daemon only through its environment: systemd reads this file\n"
         "# and `wgmesh join` takes WGMESH_SECRET from there, so it never shows in argv or ps.\n"
         "EnvironmentFile=" +
         *env_file +
         "\n"
         "ExecStart=" +
         exec +
         "\n"
         "Restart=always\n"
         "RestartSec=5\n"
         "LimitNOFILE=65535\n"
         "RuntimeDirectory=wgmesh\n"
         "\n"
         "# Security hardening\n"
         "NoNewPrivileges=yes\n"
         "ProtectSystem=full\n"
         "ProtectHome=true\n"
         "ReadWritePaths=" +
         *writable +
         "\n"
         "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW\n"
         "AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW\n"
         "\n"
         "[Install]\n"
         "WantedBy=multi-user.target\n";
}

Result<std::string> render_secret_env(std::string_view secret) {
  std::string escaped;
  for (char c : secret) {
    if (c == '\n' || c == '\r' || c == '\0')
      return Error{"the secret contains a line break, which secret.env cannot hold"};
    if (c == '\\' || c == '"') escaped += '\\';
    escaped += c;
  }
  return "WGMESH_SECRET=\"" + escaped + "\"\n";
}

}  // namespace wgmesh::cli
