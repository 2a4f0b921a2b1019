// Process-wide logger: one line per event on stderr, with a timestamp, level and component.
// Under systemd (JOURNAL_STREAM set) each line carries a "<N>" syslog priority prefix so
// journald records the right priority without any extra dependency.
#pragma once

#include <string>
#include <string_view>

namespace wgmesh {

enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3 };

// Parses "debug", "info", "warn"/"warning", "error" (case-insensitive).
bool parse_log_level(std::string_view text, LogLevel& out);
const char* log_level_name(LogLevel level);

class Logger {
 public:
  static Logger& instance();

  void set_level(LogLevel level) { level_ = level; }
  LogLevel level() const { return level_; }
  bool enabled(LogLevel level) const { return level >= level_; }

  void write(LogLevel level, std::string_view component, std::string_view message);

 private:
  Logger();
  LogLevel level_ = LogLevel::Info;
  bool journal_prefix_ = false;
};

void log_debug(std::string_view component, std::string_view message);
void log_info(std::string_view component, std::string_view message);
void log_warn(std::string_view component, std::string_view message);
void log_error(std::string_view component, std::string_view message);

}  // namespace wgmesh
