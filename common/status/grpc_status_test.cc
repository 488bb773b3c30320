#include "common/status/grpc_status.h"

#include <gtest/gtest.h>

#include "common/status/field_errors.h"

namespace ordo::status {
namespace {

TEST(GrpcStatusTest, CodesMapOneToOne) {
  EXPECT_EQ(ToGrpcStatus(absl::AbortedError("x")).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ToGrpcStatus(absl::OutOfRangeError("x")).error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  absl::Status back = FromGrpcStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "gone"));
  EXPECT_EQ(back.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(back.message(), "gone");
}

TEST(GrpcStatusTest, BadRequestSurvivesTheRoundTrip) {
  absl::Status invalid = InvalidError(
      "StatefulSet.apps", "web",
      {Invalid(FieldPath("spec").Child("replicas"), "-1", "must be greater than or equal to 0")});
  absl::Status back = FromGrpcStatus(ToGrpcStatus(invalid));
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  auto violations = FieldViolations(back);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].first, "spec.replicas");
}

}  // namespace
}  // namespace ordo::status
