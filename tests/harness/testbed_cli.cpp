// wgmesh-testbed: the harness for shell scripts (the README demo, benchmarks). `up` builds a
// bed and leaves it running, described by DIR/bed.state; `exec` runs a program inside one of
// its hosts (replacing itself, so `$!` is the program's PID); `down` tears it down.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "harness/bed_teardown.h"
#include "harness/namespace_entry.h"
#include "harness/nat_router.h"
#include "harness/stale_cleanup.h"
#include "harness/subprocess.h"
#include "harness/test_bed.h"

extern char** environ;

namespace {

using namespace wgmesh::testbed;

constexpr const char* kUsage =
    "usage:\n"
    "  wgmesh-testbed up N --dir DIR [--prefix P] [--subnet A.B.C.0/24] [--ipv6]\n"
    "                 [--nat I=eim|sym|fullcone]... [--neigh-limits auto|raise|leave]\n"
    "  wgmesh-testbed exec DIR TARGET [--private-run | --join PID] [--] CMD [ARG...]\n"
    "      TARGET: I or hI (host), rI (NAT router of host I), sw (switch)\n"
    "      --private-run: fresh tmpfs on /run (own /run/wireguard), for daemons\n"
    "      --join PID: the mount+net namespaces of PID (e.g. `wg show` next to a daemon)\n"
    "  wgmesh-testbed info DIR [I [netns|ipv4|ipv6|public|dir]]\n"
    "  wgmesh-testbed nat-mode DIR I eim|sym|fullcone [PORT]\n"
    "  wgmesh-testbed down DIR\n"
    "  wgmesh-testbed cleanup-stale PREFIX\n"
    "Set WGMESH_KEEP_BED=1 to keep the host directories at `down`.\n";

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

int to_int(const std::string& text, const char* what) {
  char* end = nullptr;
  long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0') throw UsageError(std::string("bad ") + what + ": " + text);
  return static_cast<int>(value);
}

std::string state_path(const std::string& dir) { return dir + "/" + kStateFile; }

int cmd_up(const std::vector<std::string>& args) {
  if (args.empty()) throw UsageError("up: missing N");
  BedOptions options;
  options.n_hosts = to_int(args[0], "N");
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
      return args[++i];
    };
    if (a == "--dir") {
      options.dir = value();
    } else if (a == "--prefix") {
      options.prefix = value();
    } else if (a == "--subnet") {
      options.subnet = value();
    } else if (a == "--ipv6") {
      options.ipv6 = true;
    } else if (a == "--nat") {
      const std::string& spec = value();
      auto eq = spec.find('=');
      auto type = parse_nat_type(eq == std::string::npos ? "" : spec.substr(eq + 1));
      if (!type) throw UsageError("--nat wants I=eim|sym|fullcone, got " + spec);
      options.nat[to_int(spec.substr(0, eq), "host index")] = *type;
    } else if (a == "--neigh-limits") {
      const std::string& v = value();
      if (v == "auto")
        options.neigh_limits = NeighLimits::automatic;
      else if (v == "raise")
        options.neigh_limits = NeighLimits::raise;
      else if (v == "leave")
        options.neigh_limits = NeighLimits::leave;
      else
        throw UsageError("--neigh-limits: auto|raise|leave");
    } else {
      throw UsageError("up: unknown option " + a);
    }
  }
  if (options.dir.empty()) throw UsageError("up: --dir DIR is required");
  if (::access(state_path(options.dir).c_str(), F_OK) == 0) {
    throw std::runtime_error("a bed is already up in " + options.dir + " (down it first)");
  }
  // The CLI exits right away: its beds must not look like dead "wgm<pid>" beds to the
  // automatic sweep of other test processes.
  if (options.prefix.empty()) options.prefix = "wgmcli" + std::to_string(::getpid());
  options.keep_dir = false;
  TestBed bed(options);
  save_layout(bed.layout(), state_path(bed.dir()));
  BedLayout layout = bed.release();
  std::cout << "bed " << layout.prefix << " up in " << bed.setup_time().count()
            << " ms: " << layout.hosts.size() << " hosts, " << layout.routers.size()
            << " NAT routers; state " << state_path(layout.dir) << "\n";
  for (const auto& h : layout.hosts) {
    std::cout << "  " << h.name << " " << h.netns << " " << h.ipv4
              << (h.ipv6.empty() ? "" : " " + h.ipv6)
              << (h.behind_nat() ? " (public " + h.public_ipv4 + ")" : "") << "\n";
  }
  return 0;
}

// "3", "h3" -> host 3's netns; "r3" -> its router; "sw" -> the switch.
std::string target_netns(const BedLayout& layout, const std::string& target,
                         const HostInfo** host) {
  *host = nullptr;
  if (target == "sw") return layout.switch_netns;
  if (!target.empty() && target[0] == 'r') {
    const RouterInfo* r = layout.router_for(to_int(target.substr(1), "router"));
    if (r == nullptr) throw UsageError("no NAT router " + target);
    return r->netns;
  }
  *host = &layout.host(to_int(target[0] == 'h' ? target.substr(1) : target, "host"));
  return (*host)->netns;
}

int cmd_exec(const std::vector<std::string>& args) {
  if (args.size() < 2) throw UsageError("exec: DIR TARGET CMD...");
  BedLayout layout = load_layout(state_path(args[0]));
  const HostInfo* host = nullptr;
  NamespaceSpec ns;
  ns.netns = target_netns(layout, args[1], &host);
  std::size_t i = 2;
  for (; i < args.size(); ++i) {
    if (args[i] == "--private-run") {
      ns.private_run = true;
    } else if (args[i] == "--join") {
      if (i + 1 >= args.size()) throw UsageError("--join needs a PID");
      ns.join_pid = to_int(args[++i], "PID");
    } else if (args[i] == "--") {
      ++i;
      break;
    } else {
      break;
    }
  }
  if (ns.join_pid > 0) {
    if (ns.private_run) throw UsageError("--join and --private-run exclude each other");
    ns.netns.clear();
  }
  std::vector<std::string> argv(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  if (argv.empty()) throw UsageError("exec: missing command");
  const std::string path = find_program(argv[0]);
  if (path.empty()) throw std::runtime_error("program not found: " + argv[0]);

  // The caller's working directory, so relative paths in the command keep working (joining
  // a mount namespace resets it).
  std::vector<char> cwd(4096);
  bool have_cwd = ::getcwd(cwd.data(), cwd.size()) != nullptr;
  PreparedEntry entry = PreparedEntry::prepare(ns);
  const char* step = "";
  if (int err = entry.enter(&step); err != 0) {
    throw std::runtime_error(std::string(step) + ": " + std::strerror(err));
  }
  if (have_cwd && ::chdir(cwd.data()) != 0 && host != nullptr) {
    [[maybe_unused]] int ignored = ::chdir(host->dir.c_str());
  }
  std::vector<char*> raw;
  for (auto& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  ::execve(path.c_str(), raw.data(), environ);
  throw std::runtime_error("execve " + path + ": " + std::strerror(errno));
}

int cmd_info(const std::vector<std::string>& args) {
  if (args.empty()) throw UsageError("info: DIR");
  BedLayout layout = load_layout(state_path(args[0]));
  if (args.size() == 1) {
    std::cout << serialize_layout(layout);
    return 0;
  }
  const HostInfo& h = layout.host(to_int(args[1], "host"));
  const std::string field = args.size() > 2 ? args[2] : "";
  if (field.empty()) {
    std::cout << "name " << h.name << "\nnetns " << h.netns << "\nipv4 " << h.ipv4 << "\nipv6 "
              << h.ipv6 << "\npublic " << h.public_ipv4 << "\ndir " << h.dir << "\n";
  } else if (field == "netns") {
    std::cout << h.netns << "\n";
  } else if (field == "ipv4") {
    std::cout << h.ipv4 << "\n";
  } else if (field == "ipv6") {
    std::cout << h.ipv6 << "\n";
  } else if (field == "public") {
    std::cout << h.public_ipv4 << "\n";
  } else if (field == "dir") {
    std::cout << h.dir << "\n";
  } else {
    throw UsageError("info: unknown field " + field);
  }
  return 0;
}

int cmd_nat_mode(const std::vector<std::string>& args) {
  if (args.size() < 3) throw UsageError("nat-mode: DIR I TYPE [PORT]");
  BedLayout layout = load_layout(state_path(args[0]));
  int index = to_int(args[1], "host");
  const RouterInfo* r = layout.router_for(index);
  if (r == nullptr) throw UsageError("host " + args[1] + " has no NAT router");
  auto type = parse_nat_type(args[2]);
  if (!type) throw UsageError("nat-mode: eim|sym|fullcone");
  int port = args.size() > 3 ? to_int(args[3], "port") : 51820;
  apply_nat_mode(r->netns, *type, layout.host(index).ipv4, port);
  for (auto& each : layout.routers) {
    if (each.host == index) each.type = *type;
  }
  save_layout(layout, state_path(args[0]));
  return 0;
}

int cmd_down(const std::vector<std::string>& args) {
  if (args.size() != 1) throw UsageError("down: DIR");
  BedLayout layout = load_layout(state_path(args[0]));
  const auto started = std::chrono::steady_clock::now();
  const char* keep = std::getenv("WGMESH_KEEP_BED");
  TestBed::teardown_layout(layout, keep != nullptr && std::string(keep) == "1");
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started);
  std::cout << "bed " << layout.prefix << " down in " << ms.count() << " ms\n";
  return 0;
}

int cmd_cleanup_stale(const std::vector<std::string>& args) {
  if (args.size() != 1) throw UsageError("cleanup-stale: PREFIX");
  StaleCleanupReport report = cleanup_stale(args[0]);
  for (const auto& ns : report.namespaces) std::cout << "deleted namespace " << ns << "\n";
  for (pid_t pid : report.killed) std::cout << "killed " << pid << "\n";
  for (const auto& dir : report.dirs) std::cout << "removed " << dir << "\n";
  for (const auto& bed : report.skipped_live) std::cout << "kept live bed " << bed << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  try {
    if (::geteuid() != 0 && cmd != "info") throw std::runtime_error("needs root");
    if (cmd == "up") return cmd_up(args);
    if (cmd == "exec") return cmd_exec(args);
    if (cmd == "info") return cmd_info(args);
    if (cmd == "nat-mode") return cmd_nat_mode(args);
    if (cmd == "down") return cmd_down(args);
    if (cmd == "cleanup-stale") return cmd_cleanup_stale(args);
    throw UsageError("unknown command " + cmd);
  } catch (const UsageError& e) {
    std::cerr << "wgmesh-testbed: " << e.what() << "\n" << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "wgmesh-testbed: " << e.what() << "\n";
    return 1;
  }
}
