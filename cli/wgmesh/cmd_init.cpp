// `wgmesh init --secret`: prints a fresh mesh secret URI (crypto.md §2.3).
#include <cstdio>
#include <string>

#include "commands.h"
#include "flag_exit.h"
#include "go_flags.h"
#include "keys/secret.h"

namespace wgmesh::cli {

int cmd_init(const Args& args) {
  bool secret = false;
  GoFlagSet flags("init");
  flags.add_bool("secret", &secret, "Generate a new mesh secret");
  if (auto exit_code = parse_flags_or_exit(flags, args)) return *exit_code;
  if (!secret) {
    std::fputs(flags.usage().c_str(), stderr);
    return 1;
  }
  keys::SecureBytes generated = keys::generate_secret();
  keys::SecureBytes uri = keys::format_secret_uri(
      std::string_view(reinterpret_cast<const char*>(generated.data()), generated.size()));
  std::string u(reinterpret_cast<const char*>(uri.data()), uri.size());
  std::printf("Generated mesh secret:\n\n%s\n\nShare this secret with all nodes that should join the mesh.\n"
              "Run: wgmesh join --secret \"%s\"\n",
              u.c_str(), u.c_str());
  return 0;
}

}  // namespace wgmesh::cli
