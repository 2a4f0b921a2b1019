#include "common/socket_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace wgmesh::sockpath {
namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string join(const std::string& dir, const char* name) {
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

bool writable_dir(const char* dir) {
  struct stat st {};
  return ::stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && ::access(dir, W_OK | X_OK) == 0;
}

}  // namespace

PathEnv current_path_env() {
  PathEnv env;
  env.wgmesh_socket = env_or_empty(kSocketEnv);
  env.xdg_runtime_dir = env_or_empty("XDG_RUNTIME_DIR");
  env.var_run_writable = writable_dir("/var/run");
  return env;
}

std::string server_socket_path(const PathEnv& env) {
  if (!env.wgmesh_socket.empty()) return env.wgmesh_socket;
  if (env.var_run_writable) return join("/var/run", kSocketName);
  if (!env.xdg_runtime_dir.empty()) return join(env.xdg_runtime_dir, kSocketName);
  return join("/tmp", kSocketName);
}

std::vector<std::string> client_socket_candidates(const PathEnv& env) {
  if (!env.wgmesh_socket.empty()) return {env.wgmesh_socket};
  std::vector<std::string> out{join("/run", kSocketName), join("/var/run", kSocketName)};
  if (!env.xdg_runtime_dir.empty()) out.push_back(join(env.xdg_runtime_dir, kSocketName));
  out.push_back(join("/tmp", kSocketName));
  return out;
}

bool is_socket(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

std::string resolve_client_socket(const PathEnv& env, std::vector<std::string>* tried) {
  std::vector<std::string> candidates = client_socket_candidates(env);
  if (tried) *tried = candidates;
  for (const auto& c : candidates)
    if (is_socket(c)) return c;
  return candidates.front();
}

}  // namespace wgmesh::sockpath
