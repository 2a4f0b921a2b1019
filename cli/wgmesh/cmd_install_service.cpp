// `wgmesh install-service` and `wgmesh uninstall-service` (daemon.md §2.6, §11): a systemd
// unit running `wgmesh join` with the given feature flags, and /etc/wgmesh/secret.env.
//
// Improvements over the original: the secret stays out of argv (see service_unit.h); every
// file is replaced atomically with its final mode from the first byte; the options are
// validated before anything is written, so a typo fails here instead of in a restart loop;
// `restart` instead of `start`, so re-running install applies new options to a running
// service; systemctl runs without a shell.
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "commands.h"
#include "common/atomic_file.h"
#include "flag_exit.h"
#include "keys/go_net.h"
#include "keys/mesh_address.h"
#include "keys/secret.h"
#include "program_runner.h"
#include "runtime/config.h"
#include "service_paths.h"
#include "service_unit.h"

namespace wgmesh::cli {
namespace {

// Go's error texts start lower-case ("permission denied").
std::string go_errno_text(int err) {
  std::string text = std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// The program that is running: the unit must start the same wgmesh whose flags it was
// written for (a PATH lookup, as the original did first, may find another installation).
Result<std::string> own_binary_path() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return Error{"could not determine wgmesh binary path: " + go_errno_text(errno)};
  return std::string(buf, static_cast<size_t>(n));
}

// "a, b,,c" -> {"a", "b", "c"}: items trimmed as `join` does; empty items dropped.
std::vector<std::string> split_routes(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Everything `join` would reject at service start, checked now.
Status validate(const std::string& secret, const ServiceOptions& o) {
  if (auto s = keys::secret_from_input(secret); !s.ok())
    return Error{"invalid secret: " + s.message()};
  if (!o.interface.empty())
    if (Status st = validate_interface_name(o.interface); !st.ok()) return st;
  if (o.listen_port < 0 || o.listen_port > 65535)
    return Error{"invalid --listen-port " + std::to_string(o.listen_port) + " (1-65535)"};
  for (const auto& r : o.advertise_routes)
    if (auto n = keys::go_parse_cidr(r); !n.ok())
      return Error{"invalid --advertise-routes entry \"" + r + "\": " + n.message()};
  if (auto n = keys::parse_mesh_subnet(o.mesh_subnet); !n.ok()) return n.error();
  if (!o.state_dir.empty() && o.state_dir[0] != '/')
    return Error{"--state-dir must be an absolute path: " + o.state_dir};
  return {};
}

Status systemctl(const ServicePaths& paths, std::vector<std::string> args, ChildStderr mode) {
  args.insert(args.begin(), paths.systemctl);
  return run_program(args, mode);
}

Status install(const std::string& secret, ServiceOptions options, const ServicePaths& paths) {
  if (Status st = validate(secret, options); !st.ok()) return st;
  auto binary = own_binary_path();
  if (!binary.ok()) return binary.error();
  options.binary = *binary;
  // --state-dir wins; otherwise the (possibly overridden) default, passed on to join only
  // when it is not join's own default.
  std::string state_dir = options.state_dir.empty() ? paths.state_dir : options.state_dir;
  options.state_dir = state_dir;

  auto unit = render_service_unit(options, paths, state_dir);
  if (!unit.ok()) return Error{"failed to generate unit file: " + unit.message()};
  auto env = render_secret_env(secret);
  if (!env.ok()) return Error{"failed to generate secret file: " + env.message()};

  // It must exist before the unit starts: with ProtectSystem= a missing ReadWritePaths=
  // directory fails the unit with 226/NAMESPACE. 0700, the mode the daemon itself enforces
  // on its state directory (it holds the private key).
  if (Status st = ensure_directory(state_dir, 0700); !st.ok())
    return Error{"failed to create state directory (run as root?): " + st.message()};
  if (Status st = ensure_directory(paths.etc_dir, 0700); !st.ok())
    return Error{"failed to create secret directory (run as root?): " + st.message()};
  if (Status st = write_file_atomically(paths.secret_env_path(), *env, 0600); !st.ok())
    return Error{"failed to write secret file (run as root?): " + st.message()};
  if (Status st = write_file_atomically(paths.unit_path(), *unit, 0644); !st.ok())
    return Error{"failed to write unit file (run as root?): " + st.message()};

  if (Status st = systemctl(paths, {"daemon-reload"}, ChildStderr::kInherit); !st.ok())
    return Error{"failed to reload systemd: " + st.message()};
  if (Status st = systemctl(paths, {"enable", kServiceUnitName}, ChildStderr::kInherit); !st.ok())
    return Error{"failed to enable service: " + st.message()};
  // restart, not start: on a running service, start would keep the old options.
  if (Status st = systemctl(paths, {"restart", kServiceUnitName}, ChildStderr::kInherit); !st.ok())
    return Error{"failed to restart service: " + st.message()};
  return {};
}

// os.Remove semantics: a missing file is fine.
Status remove_file(const std::string& path, const char* what) {
  if (::unlink(path.c_str()) == 0 || errno == ENOENT) return {};
  return Error{std::string("failed to remove ") + what + ": remove " + path + ": " +
               go_errno_text(errno)};
}

}  // namespace

int cmd_install_service(const Args& args) {
  std::string secret, routes, mesh_subnet, state_dir;
  ServiceOptions o;
  GoFlagSet flags("install-service");
  flags.add_string("secret", &secret,
                   "Mesh secret (required); stored in secret.env, not in the unit");
  flags.add_string("interface", &o.interface, "WireGuard interface name (default wg0)");
  flags.add_int("listen-port", &o.listen_port, "WireGuard listen port");
  flags.add_string("advertise-routes", &routes, "Comma-separated routes to advertise");
  flags.add_bool("privacy", &o.privacy, "Enable privacy mode");
  flags.add_bool("gossip", &o.gossip, "Enable in-mesh gossip");
  flags.add_bool("no-lan-discovery", &o.no_lan_discovery, "Disable LAN multicast discovery");
  flags.add_bool("no-ipv6", &o.no_ipv6, "Ignore IPv6 endpoints for connectivity");
  flags.add_bool("force-relay", &o.force_relay, "Prefer relay path for non-LAN peers");
  flags.add_bool("no-punching", &o.no_punching, "Disable NAT port punching/rendezvous");
  flags.add_bool("introducer", &o.introducer, "Allow this node to act as rendezvous introducer");
  flags.add_string("mesh-subnet", &mesh_subnet, "Custom mesh subnet CIDR (e.g. 192.168.100.0/24)");
  flags.add_string("state-dir", &state_dir, "State directory (default /var/lib/wgmesh)");
  if (auto rc = parse_flags_or_exit(flags, args)) {
    if (*rc == 0) std::fprintf(stderr, "\n%s", service_paths_help());
    return *rc;
  }
  if (secret.empty()) {
    std::fputs("Error: --secret is required\nUsage: wgmesh install-service --secret <SECRET>\n",
               stderr);
    return 1;
  }
  o.advertise_routes = split_routes(routes);
  o.mesh_subnet = mesh_subnet;
  o.state_dir = state_dir;

  std::printf("Installing wgmesh systemd service...\n");
  std::fflush(stdout);
  if (Status st = install(secret, std::move(o), service_paths_from_environment()); !st.ok()) {
    std::fprintf(stderr, "Failed to install service: %s\n", st.message().c_str());
    return 1;
  }
  std::printf(
      "Service installed and started successfully!\nCheck status with: systemctl status wgmesh\n");
  return 0;
}

int cmd_uninstall_service(const Args& args) {
  // The original parses no flags and ignores its arguments; a request for help must not
  // remove the service, though.
  for (const auto& a : args) {
    if (a == "-h" || a == "-help" || a == "--help") {
      std::fprintf(stderr,
                   "Usage: wgmesh uninstall-service\n\nStops and disables wgmesh.service, removes "
                   "the unit and secret.env; keeps the state directory.\n\n%s",
                   service_paths_help());
      return 0;
    }
  }
  ServicePaths paths = service_paths_from_environment();
  std::printf("Removing wgmesh systemd service...\n");
  std::fflush(stdout);
  // Stopping or disabling a unit that is not there fails; that is fine here.
  (void)systemctl(paths, {"stop", kServiceUnitName}, ChildStderr::kDiscard);
  (void)systemctl(paths, {"disable", kServiceUnitName}, ChildStderr::kDiscard);
  Status st = remove_file(paths.unit_path(), "unit file");
  if (st.ok()) st = remove_file(paths.secret_env_path(), "secret file");
  if (!st.ok()) {
    std::fprintf(stderr, "Failed to uninstall service: %s\n", st.message().c_str());
    return 1;
  }
  (void)::rmdir(paths.etc_dir.c_str());  // only if empty: wgmesh.toml may live there
  (void)systemctl(paths, {"daemon-reload"}, ChildStderr::kDiscard);
  std::printf("Service removed successfully!\n");
  return 0;
}

}  // namespace wgmesh::cli
