#include "runtime/metrics.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace wgmesh {

std::string Metrics::to_json() const {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("counters");
  w.StartObject();
  for (const auto& [k, v] : counters_) {
    w.Key(k.c_str());
    w.Uint64(v);
  }
  w.EndObject();
  w.Key("gauges");
  w.StartObject();
  for (const auto& [k, v] : gauges_) {
    w.Key(k.c_str());
    w.Int64(v);
  }
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace wgmesh
