#include "daemon/daemon_flags.h"

#include <getopt.h>

#include <cerrno>
#include <cstdlib>

#include "runtime/config.h"

namespace wgmesh {
namespace {

enum LongOnly : int {
  kCheckConfig = 256,
  kLogLevel,
  kPluginDir,
  kStateDir,
  kInterface,
  kListenPort,
  kBackend,
};

const option kOptions[] = {
    {"config", required_argument, nullptr, 'c'},
    {"check-config", no_argument, nullptr, kCheckConfig},
    {"log-level", required_argument, nullptr, kLogLevel},
    {"plugin-dir", required_argument, nullptr, kPluginDir},
    {"state-dir", required_argument, nullptr, kStateDir},
    {"interface", required_argument, nullptr, kInterface},
    {"listen-port", required_argument, nullptr, kListenPort},
    {"backend", required_argument, nullptr, kBackend},
    {"version", no_argument, nullptr, 'v'},
    {"help", no_argument, nullptr, 'h'},
    {nullptr, 0, nullptr, 0},
};

std::optional<int> parse_int(const char* text) {
  errno = 0;
  char* end = nullptr;
  long v = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < -2147483647L || v > 2147483647L)
    return std::nullopt;
  return static_cast<int>(v);
}

}  // namespace

Result<DaemonFlags> parse_daemon_flags(int argc, char** argv, const std::string& default_config) {
  DaemonFlags flags;
  flags.config_path = default_config;
  // getopt keeps its position in globals: start over on every call (tests parse many argv).
  optind = 0;
  opterr = 0;
  for (;;) {
    int index = -1;
    int c = getopt_long(argc, argv, ":c:vh", kOptions, &index);
    if (c == -1) break;
    switch (c) {
      case 'c':
        flags.config_path = optarg;
        break;
      case kCheckConfig:
        flags.check_config = true;
        break;
      case kLogLevel:
        flags.log_level = optarg;
        break;
      case kPluginDir:
        flags.plugin_dir = optarg;
        break;
      case kStateDir:
        flags.state_dir = optarg;
        break;
      case kInterface:
        flags.interface = optarg;
        break;
      case kBackend:
        flags.backend = optarg;
        break;
      case kListenPort: {
        auto port = parse_int(optarg);
        if (!port) return Error{std::string("--listen-port: '") + optarg + "' is not a number"};
        flags.listen_port = *port;
        break;
      }
      case 'v':
        flags.version = true;
        break;
      case 'h':
        flags.help = true;
        break;
      case ':': {
        std::string name =
            index >= 0 ? std::string("--") + kOptions[index].name : std::string(argv[optind - 1]);
        return Error{"option " + name + " needs a value"};
      }
      default: {
        std::string name = optopt != 0 ? std::string("-") + static_cast<char>(optopt)
                                       : std::string(argv[optind - 1]);
        return Error{"unknown option " + name + " (see --help)"};
      }
    }
  }
  if (optind < argc) return Error{std::string("unexpected argument '") + argv[optind] + "'"};
  return flags;
}

std::string daemon_flags_help() {
  return std::string(
             "wgmesh host daemon: WireGuard mesh node with plugins\n"
             "Usage:\n"
             "  wgmeshd [OPTION...]\n\n"
             "  -c, --config FILE      Configuration file (default ") +
         kDefaultConfigPath +
         ")\n"
         "      --check-config     Validate the configuration (and plugins) and exit\n"
         "      --log-level LEVEL  debug, info, warn or error (overrides the file)\n"
         "      --plugin-dir DIR   Plugin directory (overrides the file)\n"
         "      --state-dir DIR    State directory (overrides the file)\n"
         "      --interface NAME   WireGuard interface name (overrides the file)\n"
         "      --listen-port N    WireGuard listen port (overrides the file)\n"
         "      --backend B        auto, kernel or userspace (overrides the file)\n"
         "  -v, --version          Print the version and exit\n"
         "  -h, --help             Show this help\n";
}

}  // namespace wgmesh
