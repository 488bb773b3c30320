// The event recorder against an in-process Events service: an event is
// written in Kubernetes' shape (client-go's name, the involved object, the
// source, the times from the clock), in the object's namespace (default for
// cluster-scoped objects), and Record never waits on the write.
#include "common/events/event_recorder.h"

#include <gtest/gtest.h>

#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/clock/fake_clock.h"
#include "common/events/fake_event_recorder.h"

namespace ordo::events {
namespace {

// Keeps every Event created.
class RecordingEvents final : public core::v1::Events::Service {
 public:
  grpc::Status Create(grpc::ServerContext*, const core::v1::Event* event,
                      core::v1::Event* out) override {
    absl::MutexLock lock(&mu_);
    created_.push_back(*event);
    *out = *event;
    return grpc::Status::OK;
  }
  // The events created once there are `n` of them, or after 10 s.
  std::vector<core::v1::Event> AwaitCreated(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return created_.size() >= n; };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
    return created_;
  }

 private:
  absl::Mutex mu_;
  std::vector<core::v1::Event> created_ ABSL_GUARDED_BY(mu_);
};

class EventRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    client_ = std::make_unique<api::ResourceClient<core::v1::Event>>(
        server_->InProcessChannel(grpc::ChannelArguments()), clock_);
  }
  void TearDown() override { server_->Shutdown(); }

  RecordingEvents service_;
  std::unique_ptr<grpc::Server> server_;
  FakeClock clock_;
  std::unique_ptr<api::ResourceClient<core::v1::Event>> client_;
};

TEST_F(EventRecorderTest, AnEventAboutAPodIsWrittenInKubernetesShape) {
  ApiEventRecorder recorder(*client_, clock_, "default-scheduler");
  recorder.Record(PodReference("shop", "web-0", "u1"), kEventNormal, "Scheduled",
                  "Successfully assigned shop/web-0 to node-1");
  auto written = service_.AwaitCreated(1);
  ASSERT_EQ(written.size(), 1u);
  const core::v1::Event& e = written[0];
  EXPECT_EQ(e.metadata().namespace_(), "shop");
  EXPECT_EQ(e.metadata().name(),
            absl::StrCat("web-0.", absl::Hex(absl::ToUnixNanos(clock_.Now()))));
  EXPECT_EQ(e.involved_object().kind(), "Pod");
  EXPECT_EQ(e.involved_object().api_version(), "v1");
  EXPECT_EQ(e.involved_object().uid(), "u1");
  EXPECT_EQ(e.type(), "Normal");
  EXPECT_EQ(e.reason(), "Scheduled");
  EXPECT_EQ(e.message(), "Successfully assigned shop/web-0 to node-1");
  EXPECT_EQ(e.source().component(), "default-scheduler");
  EXPECT_EQ(e.count(), 1);
}

TEST_F(EventRecorderTest, AClusterScopedObjectsEventGoesToDefault) {
  core::v1::Node node;
  node.mutable_metadata()->set_name("node-1");
  node.mutable_metadata()->set_uid("n1");
  ApiEventRecorder recorder(*client_, clock_, "node-controller");
  recorder.Record(ReferenceTo(node, "v1", "Node"), kEventNormal, "NodeNotReady",
                  "Node node-1 status is now: NodeNotReady");
  auto written = service_.AwaitCreated(1);
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0].metadata().namespace_(), "default");
  EXPECT_EQ(written[0].involved_object().kind(), "Node");
  EXPECT_EQ(written[0].involved_object().name(), "node-1");
  EXPECT_EQ(written[0].involved_object().uid(), "n1");
}

TEST(FakeEventRecorderTest, KeepsTypeReasonAndMessage) {
  testing::FakeEventRecorder events;
  events.Record(PodReference("default", "web-0", "u1"), kEventWarning, "BackOff", "restarting");
  EXPECT_EQ(events.Take(), std::vector<std::string>{"Warning BackOff restarting"});
  EXPECT_TRUE(events.Take().empty());
}

}  // namespace
}  // namespace ordo::events
