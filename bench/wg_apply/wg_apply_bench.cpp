// wg_apply: how fast does a configuration reach wireguard-go through our UAPI backend,
// compared with the `wg` tool the original shelled out to?
//
//  1. full apply: N peers (PSK, endpoint, 2 allowed-IPs, keepalive 25) on a fresh interface,
//     UapiBackend::set_device vs `wg setconf IF FILE` with the same configuration;
//  2. one peer changed among N: the event path (diff against the cached state + set, what
//     reconcile does on a store change) and the full-read path (get_device + compute_update
//     + set_device, the periodic repair pass) vs `wg set IF peer K preshared-key F endpoint E
//     allowed-ips A persistent-keepalive 25` (what the original ran per changed peer) and a bare
//     `wg set IF peer K endpoint E`.
//
// Runs in a private network namespace it creates and removes; needs root, wireguard-go, wg
// and ip. Prints a table; exits non-zero only if the bench itself could not run.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "netns_helpers.h"
#include "wireguard/diff.h"
#include "wireguard/uapi_backend.h"
#include "wireguard/userspace_supervisor.h"

namespace {

using namespace wgmesh::wg;
using Clock = std::chrono::steady_clock;

struct Stats {
  double median_ms = 0, min_ms = 0;
};

Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  Stats s;
  s.min_ms = v.front();
  s.median_ms = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  return s;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "wg_apply: %s\n", msg.c_str());
  std::exit(1);
}

struct Config {
  Key private_key = Key::generate_private();
  std::vector<DesiredPeer> peers;
};

Config make_config(int n) {
  Config c;
  const Key psk = Key::generate_private();  // one mesh-wide PSK, as wgmesh derives it
  for (int i = 0; i < n; ++i) {
    DesiredPeer p;
    p.public_key = Key::generate_private().public_key();
    p.preshared_key = psk;
    p.endpoint = Endpoint::parse("198.51.100." + std::to_string(i % 250 + 1) + ":" +
                                 std::to_string(20000 + i))
                     .value();
    p.allowed_ips = {
        IpPrefix::parse("100.64." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) +
                        "/32")
            .value(),
        IpPrefix::parse("10." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ".0/24")
            .value()};
    p.persistent_keepalive = 25;
    c.peers.push_back(std::move(p));
  }
  return c;
}

DesiredDevice desired(const Config& c) {
  DesiredDevice d;
  d.private_key = c.private_key;
  d.listen_port = 51820;
  d.peers = c.peers;
  return d;
}

// The same configuration as a wg(8) config file.
std::string write_setconf_file(const Config& c, const std::string& dir) {
  const std::string path = dir + "/setconf.conf";
  std::ofstream f(path);
  f << "[Interface]\nPrivateKey = " << c.private_key.to_base64() << "\nListenPort = 51820\n";
  for (const auto& p : c.peers) {
    f << "\n[Peer]\nPublicKey = " << p.public_key.to_base64()
      << "\nPresharedKey = " << p.preshared_key->to_base64()
      << "\nEndpoint = " << p.endpoint->to_string() << "\nAllowedIPs = ";
    for (std::size_t k = 0; k < p.allowed_ips.size(); ++k)
      f << (k ? ", " : "") << p.allowed_ips[k].to_string();
    f << "\nPersistentKeepalive = " << p.persistent_keepalive << "\n";
  }
  return path;
}

class Bench {
 public:
  Bench(std::string ns, std::string ifname, std::string dir)
      : ns_(std::move(ns)), ifname_(std::move(ifname)), dir_(std::move(dir)) {}

  // A fresh wireguard-go for each measurement, so every full apply starts from empty.
  std::unique_ptr<UapiBackend> fresh_interface() {
    SupervisorOptions s;
    s.ifname = ifname_;
    s.netns = ns_;
    s.log_path = dir_ + "/wireguard-go.log";
    UapiOptions u;
    u.ifname = ifname_;
    u.io_timeout = std::chrono::seconds(30);
    auto b = std::make_unique<UapiBackend>(u, std::make_unique<UserspaceSupervisor>(s));
    if (auto st = b->create_interface(); !st) die(st.message());
    return b;
  }

  void expect_peers(UapiBackend& b, std::size_t n) {
    auto dev = b.get_device();
    if (!dev) die(dev.message());
    if (dev->peers.size() != n)
      die("expected " + std::to_string(n) + " peers, found " + std::to_string(dev->peers.size()));
  }

  const std::string& ifname() const { return ifname_; }

 private:
  std::string ns_, ifname_, dir_;
};

void print_row(const char* what, const Stats& ours, const Stats* wg) {
  if (wg != nullptr) {
    std::printf("%-44s %9.2f %9.2f   %9.2f %9.2f   %6.1fx\n", what, ours.median_ms, ours.min_ms,
                wg->median_ms, wg->min_ms, wg->median_ms / ours.median_ms);
  } else {
    std::printf("%-44s %9.2f %9.2f   %9s %9s   %7s\n", what, ours.median_ms, ours.min_ms, "", "",
                "");
  }
}

}  // namespace

int main(int argc, char** argv) {
  int n_peers = 1000, reps = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string opt = argv[i];
    if (opt == "--peers")
      n_peers = std::atoi(argv[i + 1]);
    else if (opt == "--reps")
      reps = std::atoi(argv[i + 1]);
  }
  if (n_peers < 1 || reps < 1) die("usage: wg_apply_bench [--peers N] [--reps R]");
  if (geteuid() != 0) die("needs root (network namespaces, TUN)");
  for (const char* p : {"ip", "wg", "wireguard-go"})
    if (!nstest::have_program(p)) die(std::string(p) + " is not installed");

  const std::string tag = std::to_string(getpid() % 100000);
  char tmpl[] = "/tmp/wgmesh-bench-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  int rc = 0;
  {
    nstest::Netns ns("wgbench-" + tag);
    if (!ns.ok()) die(ns.error());
    Bench bench(ns.name(), "wgbn" + tag, dir);

    const Config cfg = make_config(n_peers);
    const DesiredDevice want = desired(cfg);
    const std::string conf = write_setconf_file(cfg, dir);

    // 1. Full apply on a fresh interface.
    std::vector<double> ours_full, wg_full;
    for (int r = 0; r < reps; ++r) {
      {
        auto b = bench.fresh_interface();
        auto empty = b->get_device();
        if (!empty) die(empty.message());
        auto update = compute_update(*empty, want);
        if (!update) die(update.message());
        const auto t0 = Clock::now();
        if (auto st = b->set_device(*update); !st) die(st.message());
        ours_full.push_back(ms_since(t0));
        bench.expect_peers(*b, cfg.peers.size());
      }
      {
        auto b = bench.fresh_interface();
        const auto t0 = Clock::now();
        auto res = nstest::run({"wg", "setconf", bench.ifname(), conf});
        wg_full.push_back(ms_since(t0));
        if (res.status != 0) die("wg setconf: " + res.out);
        bench.expect_peers(*b, cfg.peers.size());
      }
    }

    // 2. One peer changed among N, on a loaded interface.
    std::vector<double> ours_one, ours_get, ours_diff, ours_set, wg_one_full, wg_one_bare, wg_dump;
    std::vector<double> ours_event;
    {
      auto b = bench.fresh_interface();
      if (auto st = b->set_device(*compute_update(DeviceState{}, want)); !st) die(st.message());
      DesiredDevice moving = want;
      // 2a. The daemon's event path: diff against the cached state (the last full read plus
      // what was applied since), write, fold the write into the cache. No device read.
      {
        auto first = b->get_device();
        if (!first) die(first.message());
        DeviceState cached = std::move(*first);
        for (int r = 0; r < reps; ++r) {
          DesiredPeer& p =
              moving.peers[(static_cast<std::size_t>(r) * 7 + 3) % moving.peers.size()];
          p.endpoint->port = static_cast<uint16_t>(30000 + r);
          const auto t0 = Clock::now();
          auto update = compute_update(cached, moving);
          if (!update) die(update.message());
          if (update->peers.size() != 1) die("event diff should change exactly one peer");
          if (auto st = b->set_device(*update); !st) die(st.message());
          apply_update_to_state(cached, *update);
          ours_event.push_back(ms_since(t0));
        }
        auto check = b->get_device();
        if (!check) die(check.message());
        auto drift = compute_update(*check, moving);
        if (!drift || !drift->empty()) die("the cached event path left the device different");
      }
      const std::string psk_file = dir + "/psk";
      std::ofstream(psk_file) << cfg.peers[0].preshared_key->to_base64() << "\n";
      ::chmod(psk_file.c_str(), 0600);
      for (int r = 0; r < reps; ++r) {
        DesiredPeer& p = moving.peers[static_cast<std::size_t>(r) % moving.peers.size()];
        p.endpoint->port = static_cast<uint16_t>(40000 + r);

        const auto t0 = Clock::now();
        auto actual = b->get_device();
        if (!actual) die(actual.message());
        const auto t1 = Clock::now();
        auto update = compute_update(*actual, moving);
        if (!update) die(update.message());
        const auto t2 = Clock::now();
        if (update->peers.size() != 1) die("diff should change exactly one peer");
        if (auto st = b->set_device(*update); !st) die(st.message());
        ours_one.push_back(ms_since(t0));
        ours_get.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        ours_diff.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
        ours_set.push_back(ms_since(t2));

        const std::string key = p.public_key.to_base64();
        std::string ips;
        for (const auto& ip : p.allowed_ips) ips += (ips.empty() ? "" : ",") + ip.to_string();
        p.endpoint->port = static_cast<uint16_t>(45000 + r);
        auto t3 = Clock::now();
        auto res = nstest::run({"wg", "set", bench.ifname(), "peer", key, "preshared-key", psk_file,
                                "endpoint", p.endpoint->to_string(), "allowed-ips", ips,
                                "persistent-keepalive", "25"});
        wg_one_full.push_back(ms_since(t3));
        if (res.status != 0) die("wg set: " + res.out);

        p.endpoint->port = static_cast<uint16_t>(50000 + r);
        t3 = Clock::now();
        res = nstest::run(
            {"wg", "set", bench.ifname(), "peer", key, "endpoint", p.endpoint->to_string()});
        wg_one_bare.push_back(ms_since(t3));
        if (res.status != 0) die("wg set: " + res.out);

        t3 = Clock::now();  // the same get=1 through wg, as a reference for get_device
        res = nstest::run({"wg", "show", bench.ifname(), "dump"});
        wg_dump.push_back(ms_since(t3));
        if (res.status != 0) die("wg show: " + res.out);
      }
      bench.expect_peers(*b, cfg.peers.size());
    }

    std::printf(
        "wg_apply: wireguard-go, %d peers (PSK, endpoint, 2 allowed-IPs, keepalive 25), "
        "%d repetitions\n\n",
        n_peers, reps);
    std::printf("%-44s %9s %9s   %9s %9s   %7s\n", "operation (ms)", "ours med", "ours min",
                "wg med", "wg min", "wg/ours");
    const Stats wf = stats(wg_full), w1 = stats(wg_one_full), wb = stats(wg_one_bare),
                wd = stats(wg_dump);
    print_row("full apply, fresh interface (vs wg setconf)", stats(ours_full), &wf);
    print_row("one peer changed, event path (vs wg set)", stats(ours_event), &w1);
    print_row("one peer changed, with full read (vs wg set)", stats(ours_one), &w1);
    print_row("one peer changed, event path (vs wg set ep)", stats(ours_event), &wb);
    print_row("  of which get_device (vs wg show dump)", stats(ours_get), &wd);
    print_row("  of which compute_update", stats(ours_diff), nullptr);
    print_row("  of which set_device (1 peer)", stats(ours_set), nullptr);
  }
  std::filesystem::remove_all(dir);
  return rc;
}
