#include "swarm_client.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wgmesh::dht::testing {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

bool in_path(const std::string& exe) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':'))
    if (!dir.empty() && ::access((fs::path(dir) / exe).c_str(), X_OK) == 0) return true;
  return false;
}

// fork + exec in `cwd`, output captured; the exit status or -1.
int run(const std::vector<std::string>& argv, const std::string& cwd, std::string& out) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    std::vector<char*> a;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    ::execvp(a[0], a.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace

bool have_node_and_npm() { return in_path("node") && in_path("npm"); }

std::string prepare_swarm(std::string& error) {
  const std::string dir = DHT_SWARM_NPM_DIR;
  fs::create_directories(dir);
  int lock = ::open((dir + "/.install.lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) {
    error = "cannot lock " + dir;
    if (lock >= 0) ::close(lock);
    return {};
  }
  if (!fs::exists(fs::path(dir) / "node_modules/bittorrent-dht/package.json")) {
    if (!fs::exists(fs::path(dir) / "package.json"))
      std::ofstream(fs::path(dir) / "package.json")
          << R"({"name":"wgmesh-dht-swarm","private":true})";
    std::string out;
    int rc =
        run({"npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "bittorrent-dht@11"},
            dir, out);
    if (rc != 0)
      error = "npm install bittorrent-dht@11 failed (rc " + std::to_string(rc) + "): " + out;
  }
  if (error.empty())
    fs::copy_file(DHT_SWARM_SCRIPT, fs::path(dir) / "dht_swarm.mjs",
                  fs::copy_options::overwrite_existing);
  ::flock(lock, LOCK_UN);
  ::close(lock);
  return error.empty() ? dir : std::string{};
}

bool Swarm::start(const std::string& dir, const SwarmOptions& options, std::string& error,
                  std::chrono::milliseconds timeout) {
  options_ = options;
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
    error = "pipe failed";
    return false;
  }
  std::string hosts;
  for (const auto& h : options.hosts) hosts += (hosts.empty() ? "" : ",") + h;
  const std::string env_hosts = "DHT_SWARM_HOSTS=" + hosts;
  const std::string env_bep42 = std::string("DHT_SWARM_BEP42=") + (options.bep42 ? "1" : "0");
  const std::string n = std::to_string(options.nodes);
  const std::string hard = std::to_string(options.hard_timeout_ms);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test
    if (!options.netns.empty()) {
      int ns = ::open(("/run/netns/" + options.netns).c_str(), O_RDONLY | O_CLOEXEC);
      if (ns < 0 || ::setns(ns, CLONE_NEWNET) != 0) ::_exit(125);
    }
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    ::putenv(const_cast<char*>(env_hosts.c_str()));
    ::putenv(const_cast<char*>(env_bep42.c_str()));
    ::execlp("node", "node", "dht_swarm.mjs", n.c_str(), hard.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  in_ = in[1];
  out_ = out[0];
  ::fcntl(out_, F_SETFL, O_NONBLOCK);
  if (pid_ < 0) {
    error = "fork failed";
    return false;
  }
  auto ready = wait_for({"READY"}, timeout);
  if (!ready) {
    error = "the swarm did not start: " + transcript_;
    return false;
  }
  std::istringstream is(ready->substr(6));
  int p;
  while (is >> p) ports_.push_back(static_cast<uint16_t>(p));
  return static_cast<int>(ports_.size()) == options.nodes;
}

std::string Swarm::address(size_t i) const {
  return options_.hosts[i % options_.hosts.size()] + ":" + std::to_string(ports_.at(i));
}

void Swarm::send(const std::string& line) {
  std::string l = line + "\n";
  (void)!::write(in_, l.data(), l.size());
}

void Swarm::on_readable() {
  char buf[4096];
  ssize_t n;
  while ((n = ::read(out_, buf, sizeof buf)) > 0) buf_.append(buf, static_cast<size_t>(n));
  size_t nl;
  while ((nl = buf_.find('\n')) != std::string::npos) {
    lines_.push_back(buf_.substr(0, nl));
    transcript_ += buf_.substr(0, nl + 1);
    buf_.erase(0, nl + 1);
  }
}

std::optional<std::string> Swarm::take(std::initializer_list<std::string> prefixes) {
  for (auto it = lines_.begin(); it != lines_.end(); ++it)
    for (const auto& p : prefixes)
      if (it->rfind(p, 0) == 0) {
        std::string l = *it;
        lines_.erase(it);
        return l;
      }
  return std::nullopt;
}

std::optional<std::string> Swarm::wait_for(std::initializer_list<std::string> prefixes,
                                           std::chrono::milliseconds timeout) {
  const auto end = Clock::now() + timeout;
  for (;;) {
    on_readable();
    if (auto l = take(prefixes)) return l;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
    if (left.count() <= 0 || out_ < 0) return std::nullopt;
    pollfd p{out_, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(std::min<long>(left.count(), 100)));
  }
}

void Swarm::stop() {
  if (pid_ <= 0) return;
  send("quit");
  ::close(in_);
  int st = 0;
  for (int i = 0; i < 100 && ::waitpid(pid_, &st, WNOHANG) == 0; ++i) ::usleep(20000);
  if (::waitpid(pid_, &st, WNOHANG) == 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &st, 0);
  }
  ::close(out_);
  pid_ = -1;
  in_ = out_ = -1;
}

double field(const std::string& line, const std::string& key) {
  auto p = line.find(key);
  if (p == std::string::npos) return -1;
  return std::atof(line.c_str() + p + key.size());
}

}  // namespace wgmesh::dht::testing
