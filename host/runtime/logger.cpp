#include "runtime/logger.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace wgmesh {

bool parse_log_level(std::string_view text, LogLevel& out) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "debug") out = LogLevel::Debug;
  else if (lower == "info") out = LogLevel::Info;
  else if (lower == "warn" || lower == "warning") out = LogLevel::Warn;
  else if (lower == "error") out = LogLevel::Error;
  else return false;
  return true;
}

const char* log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "DEBUG";
    case LogLevel::Info: return "INFO";
    case LogLevel::Warn: return "WARN";
    case LogLevel::Error: return "ERROR";
  }
  return "INFO";
}

Logger& Logger::instance() {
  static Logger logger;
  return logger;
}

Logger::Logger() { journal_prefix_ = std::getenv("JOURNAL_STREAM") != nullptr; }

void Logger::write(LogLevel level, std::string_view component, std::string_view message) {
  if (!enabled(level)) return;
  using namespace std::chrono;
  auto now = system_clock::now();
  std::time_t secs = system_clock::to_time_t(now);
  auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);

  // syslog priorities: debug 7, info 6, warning 4, error 3
  static constexpr int kPriority[] = {7, 6, 4, 3};
  std::string line;
  line.reserve(64 + message.size());
  if (journal_prefix_) {
    line += '<';
    line += std::to_string(kPriority[static_cast<int>(level)]);
    line += '>';
  }
  char head[64];
  std::snprintf(head, sizeof head, "%s.%03dZ %-5s ", stamp, static_cast<int>(millis),
                log_level_name(level));
  line += head;
  if (!component.empty()) {
    line += '[';
    line += component;
    line += "] ";
  }
  // One event = one line: never let a message smuggle in extra lines.
  for (char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
  line += '\n';
  // A single write() keeps lines whole even when several processes share stderr.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

void log_debug(std::string_view c, std::string_view m) { Logger::instance().write(LogLevel::Debug, c, m); }
void log_info(std::string_view c, std::string_view m) { Logger::instance().write(LogLevel::Info, c, m); }
void log_warn(std::string_view c, std::string_view m) { Logger::instance().write(LogLevel::Warn, c, m); }
void log_error(std::string_view c, std::string_view m) { Logger::instance().write(LogLevel::Error, c, m); }

}  // namespace wgmesh
