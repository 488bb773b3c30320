#include "common/status/error_details.h"

#include <gtest/gtest.h>

#include "common/status/grpc_status.h"

namespace ordo::status {
namespace {

TEST(ErrorDetailsTest, ResourceInfoNamesTheObjectAndSurvivesTheWire) {
  absl::Status status = WithResourceInfo(absl::NotFoundError("statefulsets.apps \"web\" not found"),
                                         "statefulsets.apps", "default/web");
  auto info = ResourceInfoOf(FromGrpcStatus(ToGrpcStatus(status)));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->resource_type(), "statefulsets.apps");
  EXPECT_EQ(info->resource_name(), "default/web");
  EXPECT_EQ(info->description(), "statefulsets.apps \"web\" not found");
}

TEST(ErrorDetailsTest, PreconditionFailureSaysWhatConflicted) {
  absl::Status status = WithPreconditionFailure(absl::AbortedError("the object has been modified"),
                                                "Conflict", "pods/default/web-0");
  auto failure = PreconditionFailureOf(FromGrpcStatus(ToGrpcStatus(status)));
  ASSERT_TRUE(failure.has_value());
  ASSERT_EQ(failure->violations_size(), 1);
  EXPECT_EQ(failure->violations(0).type(), "Conflict");
  EXPECT_EQ(failure->violations(0).subject(), "pods/default/web-0");
  EXPECT_EQ(failure->violations(0).description(), "the object has been modified");
}

TEST(ErrorDetailsTest, AStatusWithoutDetailsHasNone) {
  EXPECT_FALSE(ResourceInfoOf(absl::NotFoundError("x")).has_value());
  EXPECT_FALSE(PreconditionFailureOf(absl::AbortedError("x")).has_value());
}

}  // namespace
}  // namespace ordo::status
