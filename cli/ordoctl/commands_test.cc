// ReadManifests: what -f reads, and what it refuses before parsing.
#include "cli/ordoctl/commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "common/testing/status_matchers.h"

namespace ordo::ctl {
namespace {

using ::ordo::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kPod[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n";

TEST(ReadManifestsTest, ReadsStdin) {
  std::istringstream in(kPod);
  auto objects = ReadManifests("-", in);
  ASSERT_OK(objects);
  EXPECT_EQ(objects->size(), 1u);
}

// 100 MB of manifest is refused as it is read, long before yaml-cpp would
// hold it (several GB of nodes) in memory.
TEST(ReadManifestsTest, AHugeManifestIsRefusedNamingTheLimit) {
  std::string huge = kPod;
  huge += "# ";
  huge.append(100'000'000, 'x');
  std::istringstream in(huge);
  EXPECT_THAT(ReadManifests("-", in),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("STDIN: over 33554432 bytes, the most ordoctl reads")));
}

TEST(ReadManifestsTest, AMissingFileIsNotFound) {
  std::istringstream in;
  EXPECT_THAT(ReadManifests("/nonexistent/web.yaml", in),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/web.yaml")));
}

}  // namespace
}  // namespace ordo::ctl
