// `wgmesh rotate-secret` through the built binary: texts, exit codes, and the announcement
// verified with the keys library.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "cli_run.h"
#include "keys/derived_keys.h"
#include "keys/go_time.h"
#include "keys/rotation.h"
#include "keys/secret.h"

using namespace wgmesh::test;
namespace keys = wgmesh::keys;

namespace {

const std::string kSecret = "K7x2abcdefghijklmnopqrstuvwxyz0123456789ABC";

// Checks the rotate-secret output layout and returns {new URI, announcement JSON}.
std::pair<std::string, std::string> rotation_output(const std::string& out,
                                                    const std::string& grace) {
  auto l = split_lines(out);
  EXPECT_EQ(l.size(), 13u) << out;
  if (l.size() != 13u) return {};
  EXPECT_EQ(l[0], "Secret Rotation Initiated");
  EXPECT_EQ(l[1], std::string(25, '='));
  EXPECT_EQ(l[2], "Grace Period: " + grace);
  EXPECT_EQ(l[3].rfind("New Secret URI: wgmesh://v1/", 0), 0u);
  std::string uri = l[3].substr(16);
  EXPECT_EQ(l[4], "");
  // The honest replacement of the original's "both secrets will be accepted".
  EXPECT_EQ(l[5],
            "Nodes must be re-joined with the new secret: there is no dual-secret mode yet, so "
            "nodes on the old and the new secret do not see each other.");
  EXPECT_EQ(l[6], "After " + grace + ", all nodes should use the new secret.");
  EXPECT_EQ(l[7], "");
  EXPECT_EQ(l[8], "Share the new secret with all nodes:");
  EXPECT_EQ(l[9], "  wgmesh join --secret \"" + uri + "\"");
  EXPECT_EQ(l[10], "");
  EXPECT_EQ(l[11], "Rotation announcement (signed with the current secret, names the new one):");
  return {uri, l[12]};
}

keys::RotationAnnouncement verified(const std::string& json, const std::string& old_secret_input,
                                    const std::string& new_uri) {
  auto a = keys::decode_rotation_announcement(json);
  EXPECT_TRUE(a.ok()) << json;
  if (!a.ok()) return {};
  auto old_secret = keys::secret_from_input(old_secret_input);
  auto old_keys = keys::derive_keys(old_secret->text());
  EXPECT_TRUE(keys::validate_rotation_announcement(old_keys->membership_key.view(), *a,
                                                   keys::system_clock_now()));
  auto new_secret = keys::secret_from_input(new_uri);
  EXPECT_TRUE(keys::verify_new_secret(new_secret->text(), *a));
  return *a;
}

}  // namespace

TEST(RotateSecret, GeneratesAVerifiableAnnouncement) {
  ProcessResult r = run_wgmesh({"rotate-secret", "--current", "wgmesh://v1/" + kSecret});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  auto [uri, json] = rotation_output(r.out, "24h0m0s");
  ASSERT_FALSE(uri.empty());
  EXPECT_EQ(uri.size(), 12u + 43u);  // a generated secret, like `init --secret`
  keys::RotationAnnouncement a = verified(json, "wgmesh://v1/" + kSecret, uri);
  EXPECT_EQ(a.grace_period_seconds, 86400);
  // Go's key order.
  EXPECT_EQ(json.rfind("{\"new_secret_hash\":\"", 0), 0u) << json;
  EXPECT_LT(json.find("\"grace_period\":86400,\"timestamp\":"), json.find("\"signature\":\""));
  // The current secret signs: given bare or as a URI it is the same secret.
  verified(json, kSecret, uri);
  // Two runs generate different secrets.
  ProcessResult again = run_wgmesh({"rotate-secret", "--current", kSecret});
  EXPECT_NE(rotation_output(again.out, "24h0m0s").first, uri);
}

TEST(RotateSecret, ParsesTheNewSecretAndTheGrace) {
  const std::string next = "another-mesh-secret-0123456789";
  for (const std::string& given :
       {next, "wgmesh://v1/" + next, "  wgmesh://v1/" + next + "?x=1 "}) {
    ProcessResult r =
        run_wgmesh({"rotate-secret", "--current", kSecret, "--new", given, "--grace", "90m"});
    ASSERT_EQ(r.exit_code, 0) << given << ": " << r.err;
    auto [uri, json] = rotation_output(r.out, "1h30m0s");
    // Never "wgmesh://v1/wgmesh://v1/..." (the original's defect).
    EXPECT_EQ(uri, "wgmesh://v1/" + next) << given;
    EXPECT_EQ(verified(json, kSecret, uri).grace_period_seconds, 5400);
  }
  ProcessResult r = run_wgmesh({"rotate-secret", "-current=" + kSecret, "-grace=1.5s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto [uri, json] = rotation_output(r.out, "1.5s");
  EXPECT_EQ(verified(json, kSecret, uri).grace_period_seconds, 1);  // truncated, as Go
  r = run_wgmesh({"rotate-secret", "--current", kSecret, "--grace", "0s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rotation_output(r.out, "0s");
}

TEST(RotateSecret, Errors) {
  ProcessResult r = run_wgmesh({"rotate-secret"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(
      r.err,
      "Error: --current is required\n"
      "Usage: wgmesh rotate-secret --current <OLD_SECRET> [--new <NEW_SECRET>] [--grace 24h]\n");
  r = run_wgmesh({"rotate-secret", "--current", kSecret, "--grace", "tomorrow"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(
      r.err.rfind(
          "invalid value \"tomorrow\" for flag -grace: parse error\nUsage of rotate-secret:\n", 0),
      0u)
      << r.err;
  r = run_wgmesh({"rotate-secret", "--current", "wgmesh://v1/short"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "Failed to derive keys from current secret: secret must be at least 16 characters\n");
  r = run_wgmesh({"rotate-secret", "--current", kSecret, "--new", "wgmesh://v1/tiny"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Invalid new secret: secret must be at least 16 characters\n");
  r = run_wgmesh({"rotate-secret", "--current", kSecret, "--new", "wgmesh://v1/" + kSecret});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Error: the new secret is the same as the current one\n");
  r = run_wgmesh({"rotate-secret", "--current", kSecret, "--grace", "-1h"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Error: --grace must not be negative (got -1h0m0s)\n");
  r = run_wgmesh({"rotate-secret", "--nope"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
}
