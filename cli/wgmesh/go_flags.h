// A flag parser with Go's `flag` package semantics (centralized-rpc-cli.md §8.2), because
// the wgmesh CLI must accept exactly what the original accepts: `-name` and `--name`,
// `-name=value` and `-name value`, booleans without a value, parsing stopping at the first
// positional argument, exit code 2 on syntax errors. (cxxopts, used by wgmeshd and
// wgmeshctl, rejects single-dash long flags, so it cannot serve here.)
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wgmesh::cli {

class GoFlagSet {
 public:
  explicit GoFlagSet(std::string name) : name_(std::move(name)) {}

  void add_string(const std::string& name, std::string* target, const std::string& usage);
  void add_bool(const std::string& name, bool* target, const std::string& usage);
  void add_int(const std::string& name, int64_t* target, const std::string& usage);

  enum class Outcome { Ok, Help, Error };
  // Parses; on Help/Error the message (usage, or error + usage) is in message().
  Outcome parse(const std::vector<std::string>& args);
  const std::string& message() const { return message_; }
  const std::vector<std::string>& positional() const { return positional_; }
  bool was_set(const std::string& name) const { return set_.count(name) > 0; }
  std::string usage() const;

 private:
  enum class Kind { String, Bool, Int };
  struct Flag {
    Kind kind;
    void* target;
    std::string usage;
    std::string default_text;
  };
  bool assign(const std::string& name, Flag& flag, const std::string& value);

  std::string name_;
  std::map<std::string, Flag> flags_;
  std::map<std::string, bool> set_;
  std::vector<std::string> positional_;
  std::string message_;
};

// Go's strconv.ParseBool accepted spellings.
bool parse_go_bool(const std::string& text, bool& out);
// Go's strconv.ParseInt(s, 0, 64): decimal, 0x, 0o/0, 0b, underscores between digits.
bool parse_go_int(const std::string& text, int64_t& out);

}  // namespace wgmesh::cli
