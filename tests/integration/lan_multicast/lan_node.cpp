#include "lan_node.h"

#include <poll.h>
#include <unistd.h>

#include <chrono>

#include "fake_host.h"
#include "loaded_plugin.h"

namespace wgmesh::test {
namespace {

constexpr int64_t kMaxLifetimeMs = 60000;  // never outlive a broken test by much

int64_t mono_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void emit(int fd, const std::string& line) {
  std::string text = line + "\n";
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

bool wait_byte(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return false;
  char c;
  return ::read(fd, &c, 1) == 1;
}

}  // namespace

int run_lan_node(const LanNodeSpec& spec, int out_fd, int go_fd, int stop_fd) {
  FakeHost::Options options;
  options.clock = FakeHost::Clock::Real;  // kernel sockets (options.network stays null)
  FakeHost host(options);
  host.local().wg_pubkey = spec.pubkey;
  host.local().mesh_ip = spec.mesh_ip;
  host.local().hostname = "node-" + spec.mesh_ip;
  host.local().endpoint = spec.advertised_endpoint;
  std::string error;
  auto plugin = LoadedPlugin::open(spec.plugin_path, error);
  if (!plugin) {
    emit(out_fd, "ERROR " + error);
    return 2;
  }
  if (plugin->create(host, spec.config_json) != WGM_OK) {
    emit(out_fd, "ERROR create: " + plugin->last_error());
    return 3;
  }
  emit(out_fd, "READY");
  if (!wait_byte(go_fd, 30000)) {
    emit(out_fd, "ERROR no go signal");
    return 4;
  }
  // The fake's monotonic clock counts from its construction; convert its report times.
  const int64_t offset = mono_ms() - static_cast<int64_t>(host.now_ms());
  const int64_t started = mono_ms();
  emit(out_fd, "STARTED " + std::to_string(started));
  if (plugin->start() != WGM_OK) {
    emit(out_fd, "ERROR start failed");
    return 5;
  }
  size_t emitted = 0;
  while (mono_ms() - started < kMaxLifetimeMs) {
    host.run_until([&] { return host.reports().size() > emitted; }, 20);
    for (; emitted < host.reports().size(); ++emitted) {
      const PeerReport& r = host.reports()[emitted];
      emit(out_fd, "REPORT " + std::to_string(offset + static_cast<int64_t>(r.at_ms)) + " " +
                       r.label + " " + r.json);
    }
    pollfd p{stop_fd, POLLIN, 0};
    if (::poll(&p, 1, 0) > 0) break;
  }
  plugin->stop();
  std::string counters = "COUNTERS";
  for (const auto& [name, value] : host.counters())
    counters += " " + name + "=" + std::to_string(value);
  emit(out_fd, counters);
  plugin.reset();
  return 0;
}

}  // namespace wgmesh::test
