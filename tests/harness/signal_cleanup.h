// Last-resort cleanup for an interrupted test process (Ctrl-C, SIGTERM from a runner, abort()
// from an uncaught exception): destructors do not run then, and a bed would leak namespaces,
// daemons and raised sysctls. The handler SIGKILLs every child the harness started, runs each
// live bed's prebuilt cleanup script, then re-raises the signal with the previous disposition.
// Everything it touches is prepared beforehand, so it only makes async-signal-safe calls.
// (SIGKILL cannot be caught: children still die by PR_SET_PDEATHSIG, and the namespaces are
// left for cleanup_stale().)
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstddef>
#include <string>

namespace wgmesh::testbed::signal_cleanup {

// Remember / forget a child to SIGKILL from the handler. Lock-free; a full table only loses
// the handler's kill (PR_SET_PDEATHSIG still applies).
void track_pid(pid_t pid) noexcept;
void untrack_pid(pid_t pid) noexcept;

// A /bin/sh script the handler runs while this object lives (published on construction,
// withdrawn on destruction). Install the handlers with install_handlers().
class Script {
 public:
  explicit Script(std::string text);
  ~Script();
  Script(const Script&) = delete;
  Script& operator=(const Script&) = delete;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::size_t slot_;
};

// Idempotent. Signals the process already ignores (e.g. SIGHUP under nohup) stay ignored.
void install_handlers();

// Blocks every signal in the calling thread for its lifetime. Wrap fork() in it: a child
// must not run the cleanup handler it inherited (it would kill the parent's children and
// delete its beds). The child resets its handlers, then unblocks; the parent's mask is
// restored when this object goes out of scope.
class BlockAllSignals {
 public:
  BlockAllSignals();
  ~BlockAllSignals();
  BlockAllSignals(const BlockAllSignals&) = delete;
  BlockAllSignals& operator=(const BlockAllSignals&) = delete;

 private:
  sigset_t previous_;
};

// In a forked child: default handlers for every signal, then an empty mask.
void reset_signals_in_child() noexcept;

}  // namespace wgmesh::testbed::signal_cleanup
