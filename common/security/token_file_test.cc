#include "common/security/token_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace ordo::security {
namespace {

using ::ordo::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(TokenFileTest, ReadsKubernetesFormat) {
  auto file = TokenFile::Parse(
      "# scripts\n"
      "s3cret,jane,1001,\"dev,ops\"\n"
      "\n"
      "t0ken,ci,1002\n",
      "tokens.csv");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->size(), 2u);
  const TokenUser* jane = file->Find("s3cret");
  ASSERT_NE(jane, nullptr);
  EXPECT_EQ(jane->name, "jane");
  EXPECT_EQ(jane->uid, "1001");
  EXPECT_THAT(jane->groups, ElementsAre("dev", "ops"));
  ASSERT_NE(file->Find("t0ken"), nullptr);
  EXPECT_TRUE(file->Find("t0ken")->groups.empty());
  EXPECT_EQ(file->Find("nope"), nullptr);
  EXPECT_EQ(file->Find(""), nullptr);
}

TEST(TokenFileTest, BadLinesNameTheLineAndTheProblem) {
  EXPECT_THAT(TokenFile::Parse("a,b\n", "f"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("f:1: want at least 3")));
  EXPECT_THAT(TokenFile::Parse("x,y,1\n,jane,2\n", "f"),
              StatusIs(absl::StatusCode::kInvalidArgument, "f:2: token: Required value"));
  EXPECT_THAT(TokenFile::Parse("x,,1\n", "f"),
              StatusIs(absl::StatusCode::kInvalidArgument, "f:1: user: Required value"));
  EXPECT_THAT(TokenFile::Parse("x,a,1\nx,b,2\n", "f"),
              StatusIs(absl::StatusCode::kInvalidArgument, "f:2: token: Duplicate value"));
  EXPECT_THAT(TokenFile::Parse("x,a,1,\"g\n", "f"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unterminated")));
  EXPECT_THAT(TokenFile::Parse("x,a,1,g,h\n", "f"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("quote the groups")));
}

}  // namespace
}  // namespace ordo::security
