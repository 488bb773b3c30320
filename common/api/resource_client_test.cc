// The typed client against a scripted in-process gRPC service: deadlines,
// retries on UNAVAILABLE (and only then), and error details passed through.
#include "common/api/resource_client.h"

#include <gtest/gtest.h>

#include <atomic>

#include "common/clock/fake_clock.h"
#include "common/status/field_errors.h"
#include "common/testing/status_matchers.h"

namespace ordo::api {
namespace {

using ::ordo::testing::StatusIs;

// A Pods service that fails the first `failures` Gets with `code`.
class ScriptedPods final : public core::v1::Pods::Service {
 public:
  std::atomic<int> calls{0};
  int failures = 0;
  grpc::StatusCode code = grpc::StatusCode::UNAVAILABLE;

  grpc::Status Get(grpc::ServerContext*, const meta::v1::GetRequest* req,
                   core::v1::Pod* out) override {
    if (calls++ < failures) return grpc::Status(code, "not now");
    out->mutable_metadata()->set_name(req->name());
    return grpc::Status::OK;
  }
  grpc::Status Create(grpc::ServerContext*, const core::v1::Pod* pod, core::v1::Pod*) override {
    return status::ToGrpcStatus(
        status::InvalidError("Pod", pod->metadata().name(),
                             {status::Required(status::FieldPath("spec").Child("containers"))}));
  }
};

class ResourceClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  void TearDown() override { server_->Shutdown(); }
  ResourceClient<core::v1::Pod> Client() {
    // Zero back-off on the fake clock: retries happen without waiting.
    return ResourceClient<core::v1::Pod>(
        server_->InProcessChannel(grpc::ChannelArguments()), clock_,
        ClientOptions{.max_attempts = 3, .initial_backoff = absl::ZeroDuration()});
  }

  ScriptedPods service_;
  std::unique_ptr<grpc::Server> server_;
  FakeClock clock_;
};

TEST_F(ResourceClientTest, RetriesUnavailableThenSucceeds) {
  service_.failures = 2;
  auto got = Client().Get("default", "web-0");
  ASSERT_OK(got);
  EXPECT_EQ(got->metadata().name(), "web-0");
  EXPECT_EQ(service_.calls.load(), 3);
}

TEST_F(ResourceClientTest, GivesUpAfterMaxAttempts) {
  service_.failures = 10;
  EXPECT_THAT(Client().Get("default", "web-0"), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(service_.calls.load(), 3);
}

TEST_F(ResourceClientTest, OtherErrorsAreNotRetried) {
  service_.failures = 1;
  service_.code = grpc::StatusCode::NOT_FOUND;
  EXPECT_THAT(Client().Get("default", "web-0"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(service_.calls.load(), 1);
}

TEST_F(ResourceClientTest, FieldViolationsSurvive) {
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name("p");
  auto created = Client().Create(pod);
  EXPECT_THAT(created, StatusIs(absl::StatusCode::kInvalidArgument));
  auto violations = status::FieldViolations(created.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].first, "spec.containers");
}

}  // namespace
}  // namespace ordo::api
