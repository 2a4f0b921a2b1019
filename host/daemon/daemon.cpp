#include "daemon/daemon.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include "common/atomic_file.h"
#include "daemon/service_notify.h"
#include "runtime/logger.h"
#include "runtime/reload_file.h"

#ifndef WGMESH_VERSION
#define WGMESH_VERSION "0.0.0"
#endif

namespace wgmesh {
namespace {

std::string settings_json(const NodeConfig& n) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("interface");
  w.String(n.interface.c_str());
  w.Key("listen_port");
  w.Uint(n.listen_port);
  w.Key("state_dir");
  w.String(n.state_dir.c_str());
  w.Key("log_level");
  w.String(log_level_name(n.log_level));
  w.Key("introducer");
  w.Bool(n.introducer);
  w.Key("force_relay");
  w.Bool(n.force_relay);
  w.Key("no_ipv6");
  w.Bool(n.no_ipv6);
  w.Key("no_punching");
  w.Bool(n.no_punching);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

Daemon::Daemon(Config config, DaemonOptions options)
    : config_(std::move(config)), options_(std::move(options)), core_{loop_,
                                                                      metrics_,
                                                                      rpc_,
                                                                      services_,
                                                                      nullptr,
                                                                      config_.node.state_dir,
                                                                      settings_json(config_.node)} {
  Logger::instance().set_level(config_.node.log_level);
}

Daemon::~Daemon() {
  plugins_.reset();  // plugins go before the mesh layer they use
  mesh_.reset();
}

void Daemon::register_rpc_methods() {
  Status st = rpc_.add("daemon.status", "host", "Identity, version, uptime and plugin states",
                       [this](std::shared_ptr<RpcResponder> r, const std::string&) {
                         rapidjson::StringBuffer buf;
                         rapidjson::Writer<rapidjson::StringBuffer> w(buf);
                         w.StartObject();
                         std::string mesh_ip, pubkey;
                         if (mesh_) {
                           rapidjson::Document local;
                           std::string j = mesh_->local_node_json();
                           local.Parse(j.c_str(), j.size());
                           if (local.IsObject()) {
                             mesh_ip = local["mesh_ip"].GetString();
                             pubkey = local["wg_pubkey"].GetString();
                           }
                         }
                         // The original's members first (uptime in nanoseconds), then additions.
                         w.Key("mesh_ip");
                         w.String(mesh_ip.c_str());
                         w.Key("pubkey");
                         w.String(pubkey.c_str());
                         w.Key("uptime");
                         w.Int64((unix_now() - started_unix_) * 1000000000LL);
                         w.Key("interface");
                         w.String(config_.node.interface.c_str());
                         w.Key("version");
                         w.String(WGMESH_VERSION);
                         w.Key("uptime_seconds");
                         w.Int64(unix_now() - started_unix_);
                         w.Key("mesh");
                         w.Bool(mesh_ != nullptr);
                         w.Key("plugins");
                         std::string plugins = plugins_->status_json();
                         w.RawValue(plugins.c_str(), plugins.size(), rapidjson::kArrayType);
                         w.EndObject();
                         r->reply(std::string(buf.GetString(), buf.GetSize()));
                       });
  (void)st;
  st = rpc_.add("daemon.ping", "host", "Liveness check",
                [](std::shared_ptr<RpcResponder> r, const std::string&) {
                  r->reply(std::string("{\"pong\":true,\"version\":\"") + WGMESH_VERSION + "\"}");
                });
  (void)st;
  st = rpc_.add("daemon.metrics", "host", "All counters and gauges",
                [this](std::shared_ptr<RpcResponder> r, const std::string&) {
                  r->reply(metrics_.to_json());
                });
  (void)st;
}

void Daemon::reload() {
  if (options_.config_path.empty() && options_.reload_file.empty()) {
    log_info("reload", "no config file to reload");
    return;
  }
  Result<Config> fresh = Error{""};
  if (!options_.config_path.empty()) {
    fresh = load_config_file(options_.config_path);
  } else {
    auto text = read_file(options_.reload_file);
    if (!text.ok()) {
      log_info("reload", "no reload file found at " + options_.reload_file +
                             " (create it to change advertise-routes or log-level)");
      return;
    }
    Config next = config_;
    Status st = apply_reload_file(*text, next.node);
    if (!st.ok()) {
      log_error("reload", options_.reload_file + ": " + st.message());
      return;
    }
    fresh = std::move(next);
  }
  if (!fresh.ok()) {
    log_error("reload", "keeping the running configuration: " + fresh.message());
    return;
  }
  if (fresh->node.log_level != config_.node.log_level) {
    log_info("reload", std::string("log level ") + log_level_name(config_.node.log_level) + " -> " +
                           log_level_name(fresh->node.log_level));
    config_.node.log_level = fresh->node.log_level;
    Logger::instance().set_level(config_.node.log_level);
  }
  if (mesh_ && fresh->node.advertise_routes != config_.node.advertise_routes) {
    Status st = mesh_->reload_routes(fresh->node.advertise_routes);
    if (st.ok())
      config_.node.advertise_routes = fresh->node.advertise_routes;
    else
      log_error("reload", st.message());
  }
  metrics_.add("host.reloads");
}

void Daemon::request_stop() {
  if (stopping_) return;
  stopping_ = true;
  loop_.stop();
}

int Daemon::run() {
  started_unix_ = unix_now();
  std::error_code ec;
  std::filesystem::create_directories(config_.node.state_dir, ec);
  if (ec) {
    log_error("daemon",
              "cannot create state directory " + config_.node.state_dir + ": " + ec.message());
    return 1;
  }
  ::chmod(config_.node.state_dir.c_str(), 0700);

  log_info("daemon", std::string("wgmeshd ") + WGMESH_VERSION + " starting (config " +
                         (options_.config_path.empty() ? "<defaults>" : options_.config_path) +
                         ")");
  plugins_ = std::make_unique<PluginManager>(core_);
  register_rpc_methods();
  if (options_.mesh_factory) {
    auto mesh = options_.mesh_factory(core_, config_);
    if (!mesh.ok()) {
      log_error("daemon", mesh.message());
      return 1;
    }
    mesh_ = std::move(*mesh);
    core_.mesh = mesh_.get();
  }
  if (mesh_) {
    // The mesh (interface, peer store, control channel) exists before any plugin starts,
    // and is torn down only after every plugin stopped (plugins say goodbye through it).
    Status st = mesh_->start();
    if (!st.ok()) {
      log_error("daemon", st.message());
      mesh_->stop();
      return 1;
    }
  }

  plugins_->load(config_.plugins, config_.source);
  size_t started = plugins_->start_all();
  for (const auto& s : plugins_->status()) {
    if (s.state == PluginState::Started)
      log_info("daemon", "plugin " + s.name + " " + s.version + ": " + s.description);
  }
  log_info("daemon", std::to_string(started) + " of " +
                         std::to_string(config_.plugins.enable.size()) +
                         " enabled plugins running");

  SignalWatch term(loop_, SIGTERM, [this] {
    log_info("daemon", "received SIGTERM, shutting down");
    request_stop();
  });
  SignalWatch intr(loop_, SIGINT, [this] {
    log_info("daemon", "received SIGINT, shutting down");
    request_stop();
  });
  SignalWatch hup(loop_, SIGHUP, [this] {
    log_info("daemon", "received SIGHUP, reloading");
    reload();
  });
  ::signal(SIGPIPE, SIG_IGN);
  notify_service_manager("READY=1\nSTATUS=running");
  log_info("daemon", "running");
  loop_.run();

  notify_service_manager("STOPPING=1");
  plugins_->stop_all();
  plugins_->unload_all();
  if (mesh_) mesh_->stop();
  log_info("daemon", "stopped");
  return 0;
}

}  // namespace wgmesh
