#include "harness/process.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness/child_state.h"
#include "harness/proc_stats.h"

namespace wgmesh::testbed {
namespace {

detail::ChildState& checked(const std::shared_ptr<detail::ChildState>& state) {
  if (!state) throw std::logic_error("Process: empty handle");
  return *state;
}

}  // namespace

Process::Process(std::shared_ptr<detail::ChildState> state) : state_(std::move(state)) {}

Process::~Process() = default;  // the last owner of ChildState stops the program

Process::Process(Process&& other) noexcept = default;

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) state_ = std::move(other.state_);
  return *this;
}

pid_t Process::pid() const { return checked(state_).pid(); }

bool Process::alive() { return state_ && !state_->exited(); }

bool Process::signal(int sig) { return state_ && state_->send(sig); }

std::optional<int> Process::wait_exit(std::chrono::milliseconds timeout) {
  if (!checked(state_).wait_for(timeout)) return std::nullopt;
  return state_->status();
}

int Process::kill_and_wait(std::chrono::milliseconds grace) { return checked(state_).stop(grace); }

std::optional<int> Process::exit_status() const { return checked(state_).status(); }

std::optional<long> Process::rss_kb() const {
  if (checked(state_).status()) return std::nullopt;
  return read_rss_kb(state_->pid());
}

std::optional<long long> Process::cpu_ticks() const {
  if (checked(state_).status()) return std::nullopt;
  return read_cpu_ticks(state_->pid());
}

std::optional<long long> Process::cpu_ns() const {
  if (checked(state_).status()) return std::nullopt;
  return read_cpu_ns(state_->pid());
}

const std::string& Process::log_file() const { return checked(state_).log_file(); }

std::string Process::read_log() const {
  std::ifstream in(log_file());
  std::ostringstream text;
  if (in) text << in.rdbuf();
  return text.str();
}

bool Process::log_contains(std::string_view text) const {
  return read_log().find(text) != std::string::npos;
}

std::string Process::path_in_root(std::string_view path) const {
  return "/proc/" + std::to_string(pid()) + "/root" + std::string(path);
}

void Process::release() {
  if (state_) state_->release();
  state_.reset();
}

}  // namespace wgmesh::testbed
