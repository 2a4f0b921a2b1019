// Named counters and gauges ("<component>.<name>"), read by RPC and the status output.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace wgmesh {

class Metrics {
 public:
  void add(const std::string& name, uint64_t delta = 1) { counters_[name] += delta; }
  void set(const std::string& name, int64_t value) { gauges_[name] = value; }
  uint64_t counter(const std::string& name) const {
    auto it = counters_.find(name);
    return it == counters_.end() ? 0 : it->second;
  }
  const std::map<std::string, uint64_t>& counters() const { return counters_; }
  const std::map<std::string, int64_t>& gauges() const { return gauges_; }
  std::string to_json() const;

 private:
  std::map<std::string, uint64_t> counters_;
  std::map<std::string, int64_t> gauges_;
};

}  // namespace wgmesh
