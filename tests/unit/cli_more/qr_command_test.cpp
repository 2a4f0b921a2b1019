// `wgmesh qr` through the built binary: texts, exit codes, and the code itself.
#include <gtest/gtest.h>

#include <string>

#include "cli_run.h"
#include "qr_matrix.h"
#include "qr_render.h"

using namespace wgmesh::test;

namespace {
const std::string kSecret = "K7x2abcdefghijklmnopqrstuvwxyz0123456789ABC";
}  // namespace

TEST(QrCommand, PrintsARealCodeAndTheUri) {
  for (const std::string& arg : {kSecret, "wgmesh://v1/" + kSecret}) {
    ProcessResult r = run_wgmesh({"qr", "--secret", arg});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    const std::string uri = "wgmesh://v1/" + kSecret;
    auto m = wgmesh::cli::encode_qr(uri);
    ASSERT_TRUE(m.ok());
    std::string code;
    // Not a terminal here: no colour codes.
    for (const auto& line : wgmesh::cli::render_qr_half_blocks(*m, 2, false)) code += line + "\n";
    EXPECT_EQ(r.out, "Mesh Secret QR Code\n====================\n\n" + code + "\nURI: " + uri +
                         "\n\nScan this QR code or copy the URI to join the mesh.\n");
  }
}

TEST(QrCommand, UsesTheArgumentVerbatim) {
  // No trimming and no parsing: anything without the prefix is wrapped as typed.
  ProcessResult r = run_wgmesh({"qr", "--secret", " spaced "});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\nURI: wgmesh://v1/ spaced \n"), std::string::npos) << r.out;
  r = run_wgmesh({"qr", "--secret", "wgmesh://v2/other?x=1"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\nURI: wgmesh://v2/other?x=1\n"), std::string::npos);
}

TEST(QrCommand, Errors) {
  ProcessResult r = run_wgmesh({"qr"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "Error: --secret is required\nUsage: wgmesh qr --secret <SECRET>\n");
  r = run_wgmesh({"qr", "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("flag provided but not defined: -bogus\nUsage of qr:\n", 0), 0u) << r.err;
  r = run_wgmesh({"qr", "-h"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err.rfind("Usage of qr:\n", 0), 0u);
  r = run_wgmesh({"qr", "--secret", std::string(3000, 'x')});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Failed to generate QR code: the text is too long for a QR code\n");
}
