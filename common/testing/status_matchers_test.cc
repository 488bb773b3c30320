#include "common/testing/status_matchers.h"

#include <gtest/gtest.h>

namespace ordo::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(StatusMatchersTest, MatchStatusAndStatusOr) {
  EXPECT_THAT(absl::OkStatus(), IsOk());
  EXPECT_THAT(absl::NotFoundError("x"), Not(IsOk()));
  EXPECT_THAT(absl::StatusOr<int>(3), IsOk());
  EXPECT_THAT(absl::StatusOr<int>(absl::AbortedError("conflict")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("conflict")));
  EXPECT_THAT(absl::NotFoundError("x"), Not(StatusIs(absl::StatusCode::kAborted)));
}

}  // namespace
}  // namespace ordo::testing
