#include "go_flags.h"

#include <cctype>
#include <limits>

namespace wgmesh::cli {

bool parse_go_bool(const std::string& t, bool& out) {
  if (t == "1" || t == "t" || t == "T" || t == "TRUE" || t == "true" || t == "True") {
    out = true;
    return true;
  }
  if (t == "0" || t == "f" || t == "F" || t == "FALSE" || t == "false" || t == "False") {
    out = false;
    return true;
  }
  return false;
}

bool parse_go_int(const std::string& text, int64_t& out) {
  std::string s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s = s.substr(1);
  }
  if (s.empty()) return false;
  int base = 10;
  bool prefixed = false;
  if (s.size() > 1 && s[0] == '0') {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    if (p == 'x') base = 16, s = s.substr(2), prefixed = true;
    else if (p == 'b') base = 2, s = s.substr(2), prefixed = true;
    else if (p == 'o') base = 8, s = s.substr(2), prefixed = true;
    else base = 8, s = s.substr(1);
  }
  // Underscores are allowed only with a base prefix, between digits.
  std::string digits;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (!prefixed && base == 10) return false;
      if (i + 1 == s.size()) return false;
      continue;
    }
    digits += s[i];
  }
  if (digits.empty()) return false;
  unsigned __int128 v = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    if (d >= base) return false;
    v = v * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    if (v > static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max()) + 1) return false;
  }
  if (!neg && v > static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max())) return false;
  out = neg ? static_cast<int64_t>(-static_cast<__int128>(v)) : static_cast<int64_t>(v);
  return true;
}

void GoFlagSet::add_string(const std::string& name, std::string* target, const std::string& usage) {
  flags_[name] = Flag{Kind::String, target, usage, *target};
}
void GoFlagSet::add_bool(const std::string& name, bool* target, const std::string& usage) {
  flags_[name] = Flag{Kind::Bool, target, usage, *target ? "true" : ""};
}
void GoFlagSet::add_int(const std::string& name, int64_t* target, const std::string& usage) {
  flags_[name] = Flag{Kind::Int, target, usage, *target ? std::to_string(*target) : ""};
}

std::string GoFlagSet::usage() const {
  std::string out = "Usage of " + name_ + ":\n";
  for (const auto& [name, f] : flags_) {
    out += "  -" + name;
    if (f.kind == Kind::String) out += " string";
    if (f.kind == Kind::Int) out += " int";
    out += "\n    \t" + f.usage;
    if (!f.default_text.empty()) {
      out += f.kind == Kind::String ? " (default \"" + f.default_text + "\")"
                                    : " (default " + f.default_text + ")";
    }
    out += "\n";
  }
  return out;
}

bool GoFlagSet::assign(const std::string& name, Flag& f, const std::string& value) {
  switch (f.kind) {
    case Kind::String:
      *static_cast<std::string*>(f.target) = value;
      return true;
    case Kind::Bool: {
      bool b;
      if (!parse_go_bool(value, b)) {
        message_ = "invalid boolean value \"" + value + "\" for -" + name + ": parse error\n" + usage();
        return false;
      }
      *static_cast<bool*>(f.target) = b;
      return true;
    }
    case Kind::Int: {
      int64_t v;
      if (!parse_go_int(value, v)) {
        message_ = "invalid value \"" + value + "\" for flag -" + name + ": parse error\n" + usage();
        return false;
      }
      *static_cast<int64_t*>(f.target) = v;
      return true;
    }
  }
  return false;
}

GoFlagSet::Outcome GoFlagSet::parse(const std::vector<std::string>& args) {
  positional_.clear();
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 2 || a[0] != '-') {  // a positional argument or a lone "-": stop
      positional_.assign(args.begin() + static_cast<long>(i), args.end());
      return Outcome::Ok;
    }
    size_t dashes = a[1] == '-' ? 2 : 1;
    if (dashes == 2 && a.size() == 2) {  // "--" ends the flags
      positional_.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      return Outcome::Ok;
    }
    std::string body = a.substr(dashes);
    if (body.empty() || body[0] == '-' || body[0] == '=') {
      message_ = "bad flag syntax: " + a + "\n" + usage();
      return Outcome::Error;
    }
    std::string name = body, value;
    bool has_value = false;
    if (auto eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    }
    auto it = flags_.find(name);
    if (it == flags_.end()) {
      if (name == "h" || name == "help") {
        message_ = usage();
        return Outcome::Help;
      }
      message_ = "flag provided but not defined: -" + name + "\n" + usage();
      return Outcome::Error;
    }
    Flag& f = it->second;
    if (f.kind == Kind::Bool) {
      if (!assign(name, f, has_value ? value : "true")) return Outcome::Error;
    } else {
      if (!has_value) {
        if (i + 1 >= args.size()) {
          message_ = "flag needs an argument: -" + name + "\n" + usage();
          return Outcome::Error;
        }
        value = args[++i];
      }
      if (!assign(name, f, value)) return Outcome::Error;
    }
    set_[name] = true;
  }
  return Outcome::Ok;
}

}  // namespace wgmesh::cli
