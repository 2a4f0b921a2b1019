#include "core/line_framer.h"

#include <gtest/gtest.h>

using wgmesh::rpc::LineFramer;

TEST(LineFramer, SplitsLinesAcrossChunksAndStripsCr) {
  LineFramer f(100);
  std::vector<std::string> lines;
  EXPECT_EQ(f.feed("{\"a\":1}\r\n{\"b\"", lines), LineFramer::Status::kOk);
  EXPECT_EQ(f.feed(":2}\n\n", lines), LineFramer::Status::kOk);
  EXPECT_EQ(f.feed("x\ry\r", lines), LineFramer::Status::kOk);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "{\"a\":1}");
  EXPECT_EQ(lines[1], "{\"b\":2}");
  EXPECT_EQ(lines[2], "") << "an empty line is a line (answered with a parse error)";
  EXPECT_EQ(f.partial_size(), 4u);
  EXPECT_EQ(f.finish(), std::optional<std::string>("x\ry")) << "only a trailing CR is dropped";
  EXPECT_EQ(f.finish(), std::nullopt);
}

TEST(LineFramer, LimitCountsTheLineWithoutItsNewline) {
  LineFramer f(5);
  std::vector<std::string> lines;
  EXPECT_EQ(f.feed("12345\n", lines), LineFramer::Status::kOk);
  EXPECT_EQ(f.feed("123", lines), LineFramer::Status::kOk);
  EXPECT_EQ(f.feed("45", lines), LineFramer::Status::kOk);
  EXPECT_EQ(f.feed("\n", lines), LineFramer::Status::kOk);
  EXPECT_EQ(lines, (std::vector<std::string>{"12345", "12345"}));
}

TEST(LineFramer, RefusesAnOversizedLineBeforeItsNewlineArrives) {
  LineFramer f(8);
  std::vector<std::string> lines;
  EXPECT_EQ(f.feed("ok\n123456789", lines), LineFramer::Status::kOversized);
  EXPECT_EQ(lines, (std::vector<std::string>{"ok"})) << "lines before the long one still count";
  EXPECT_TRUE(f.oversized());
  EXPECT_EQ(f.partial_size(), 0u) << "nothing of the long line is kept";
  EXPECT_EQ(f.feed("\nmore\n", lines), LineFramer::Status::kOversized) << "the state is final";
  EXPECT_EQ(lines.size(), 1u);
  EXPECT_EQ(f.finish(), std::nullopt);
}

TEST(LineFramer, ManySmallFeedsOfOneLongLine) {
  LineFramer f(65536);
  std::vector<std::string> lines;
  std::string expected;
  for (int i = 0; i < 10000; ++i) {
    expected += static_cast<char>('a' + i % 26);
    ASSERT_EQ(f.feed(std::string(1, expected.back()), lines), LineFramer::Status::kOk);
  }
  f.feed("\n", lines);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], expected);
}
