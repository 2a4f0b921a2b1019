// Fuzzes what lan-multicast parses from the network and from its config: the announcement
// payload (report building, Go key folding, trimming), resolve_lan and the config table.
// Beyond "no crash", it checks the invariants the plugin relies on.
#include <rapidjson/document.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/endpoint.h"
#include "core/lan_config.h"
#include "core/lan_report.h"
#include "core/outgoing.h"

using namespace wgmesh::lan;

namespace {

std::string_view g_input;

// Aborts (the fuzzer's failure signal) after printing which invariant broke, and on what.
void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "lan_report_fuzz: invariant failed: %s\ninput (%zu bytes): ", what,
               g_input.size());
  for (unsigned char c : g_input) std::fprintf(stderr, "%02x", c);
  std::fprintf(stderr, "\n");
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  g_input = in;

  LanReport report;
  std::string error;
  if (build_lan_report(in, "198.51.100.2", report, error)) {
    rapidjson::Document doc;
    doc.Parse(report.json.c_str(), report.json.size());
    check(!doc.HasParseError() && doc.IsObject(), "report is a JSON object");
    check(!report.pubkey.empty() && doc["wg_pubkey"].GetString() == report.pubkey,
          "report carries the announced pubkey");
    // With a sender, the endpoint is always <sender>:<valid port>.
    std::string ep = doc["endpoint"].GetString();
    check(ep.rfind("198.51.100.2:", 0) == 0 && is_valid_port(ep.substr(13)),
          "endpoint is <sender>:<valid port>");
  } else {
    check(!error.empty(), "a rejected announcement has a reason");
  }
  if (build_lan_report(in, "", report, error)) {
    rapidjson::Document doc;
    doc.Parse(report.json.c_str(), report.json.size());
    check(!doc.HasParseError() && doc.IsObject(), "report without sender is a JSON object");
  }

  if (auto trimmed = without_routable_networks(in)) {
    rapidjson::Document doc;
    doc.Parse(trimmed->c_str(), trimmed->size());
    check(!doc.HasParseError() && doc.IsObject(), "trimmed payload is a JSON object");
    for (const auto& m : doc.GetObject())
      check(!go_key_matches({m.name.GetString(), m.name.GetStringLength()}, "routable_networks"),
            "trimmed payload has no routable_networks");
  }

  std::string resolved = resolve_lan(in, "192.0.2.1");
  check(resolved.rfind("192.0.2.1:", 0) == 0 && is_valid_port(resolved.substr(10)),
        "resolve_lan with a sender gives <sender>:<valid port>");
  std::string kept = resolve_lan(in, "");
  check(kept.empty() || kept == in, "resolve_lan without a sender keeps or empties");

  LanConfig cfg;
  if (parse_lan_config(in, cfg, error)) {
    check(
        cfg.min_interval_ms >= kMinAllowedIntervalMs && cfg.min_interval_ms <= cfg.max_interval_ms,
        "min interval within bounds");
    check(cfg.max_interval_ms <= kMaxAllowedIntervalMs, "max interval within bounds");
  } else {
    check(!error.empty() && error.find('\n') == std::string::npos, "config error is one line");
  }
  return 0;
}
