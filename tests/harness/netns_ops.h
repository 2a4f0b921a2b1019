// Named network namespaces (the /run/netns files `ip netns` manages): listing them, finding
// the processes inside (what `ip netns pids` does, but one /proc scan for many namespaces),
// stopping those processes, deleting namespaces, and writing per-namespace sysctls.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace wgmesh::testbed {

std::vector<std::string> list_netns();
bool netns_exists(const std::string& name);

// Processes (thread-group leaders) whose network namespace is one of `names`, by name.
std::map<std::string, std::vector<pid_t>> pids_in_netns(const std::vector<std::string>& names);

// SIGTERM, wait up to `grace` for all, SIGKILL the rest, wait a little more. Works for
// processes that are not our children (pidfds); a zombie counts as gone.
void terminate_pids(const std::vector<pid_t>& pids, std::chrono::milliseconds grace);

// `ip netns add` / `ip netns del` for many names in one ip(8) run. Deletion continues past
// errors (-force); addition throws CommandError on the first failure.
void add_netns(const std::vector<std::string>& names);
void delete_netns(const std::vector<std::string>& names);

// Writes /proc/sys/<key with dots as slashes> inside a namespace (a forked child joins it:
// /proc/sys/net follows the writer's namespace). Throws std::runtime_error naming the key.
void write_netns_sysctls(const std::string& netns,
                         const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace wgmesh::testbed
