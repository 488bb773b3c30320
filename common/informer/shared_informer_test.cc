// The informer against a scripted api-server (FakeListerWatcher), one
// reflector step at a time: list, watch, resume, relist after OUT_OF_RANGE.
// The handler log would show a missed or a doubled event.
#include "common/informer/shared_informer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "common/clock/fake_clock.h"
#include "common/testing/fake_lister_watcher.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::informer {
namespace {

using Pod = core::v1::Pod;
using ::testing::ElementsAre;
using Fake = testing::FakeListerWatcher<Pod>;

ObjectPtr<Pod> P(const std::string& name, int rv) {
  auto pod = std::make_shared<Pod>();
  pod->mutable_metadata()->set_namespace_("default");
  pod->mutable_metadata()->set_name(name);
  pod->mutable_metadata()->set_resource_version(std::to_string(rv));
  return pod;
}

class SharedInformerTest : public ::testing::Test {
 protected:
  SharedInformerTest()
      : state_(std::make_shared<Fake::State>()), informer_(std::make_unique<Fake>(state_), clock_) {
    informer_.AddEventHandler({
        [this](const ObjectPtr<Pod>& p) { Log("add", p); },
        [this](const ObjectPtr<Pod>&, const ObjectPtr<Pod>& p) { Log("update", p); },
        [this](const ObjectPtr<Pod>& p) { Log("delete", p); },
    });
  }

  void Log(const std::string& what, const ObjectPtr<Pod>& p) {
    absl::MutexLock lock(&log_mu_);
    log_.push_back(what + " " + p->metadata().name() + "@" + p->metadata().resource_version());
  }
  std::vector<std::string> TakeLog() {
    absl::MutexLock lock(&log_mu_);
    return std::exchange(log_, {});
  }
  void SetList(std::vector<ObjectPtr<Pod>> items, int rv) {
    absl::MutexLock lock(&state_->mu);
    state_->list.items = std::move(items);
    state_->list.resource_version = std::to_string(rv);
  }
  void Push(EventType type, ObjectPtr<Pod> p) {
    absl::MutexLock lock(&state_->mu);
    state_->events.push_back({type, std::move(p)});
  }
  void End(absl::Status s) {
    absl::MutexLock lock(&state_->mu);
    state_->end = s;
  }
  std::vector<std::string> WatchVersions() {
    absl::MutexLock lock(&state_->mu);
    return state_->watch_versions;
  }

  FakeClock clock_;
  std::shared_ptr<Fake::State> state_;
  SharedInformer<Pod> informer_;
  absl::Mutex log_mu_;
  std::vector<std::string> log_;
};

TEST_F(SharedInformerTest, ListThenWatchFromTheListsVersion) {
  SetList({P("a", 5), P("b", 6)}, 10);
  EXPECT_FALSE(informer_.HasSynced());
  ASSERT_TRUE(informer_.ListAndReplace().ok());
  EXPECT_TRUE(informer_.HasSynced());
  EXPECT_THAT(TakeLog(), ElementsAre("add a@5", "add b@6"));

  Push(EventType::kModified, P("a", 11));
  Push(EventType::kAdded, P("c", 12));
  Push(EventType::kDeleted, P("b", 13));
  End(absl::OkStatus());
  ASSERT_TRUE(informer_.WatchOnce().ok());
  EXPECT_THAT(WatchVersions(), ElementsAre("10"));
  EXPECT_THAT(TakeLog(), ElementsAre("update a@11", "add c@12", "delete b@13"));
  EXPECT_EQ(informer_.indexer().Size(), 2u);
  EXPECT_EQ(informer_.LastResourceVersion(), "13");
}

TEST_F(SharedInformerTest, ABrokenStreamResumesFromTheLastVersionWithoutDoubles) {
  SetList({P("a", 5)}, 5);
  ASSERT_TRUE(informer_.ListAndReplace().ok());
  TakeLog();
  Push(EventType::kModified, P("a", 7));
  End(absl::UnavailableError("connection reset"));
  EXPECT_EQ(informer_.WatchOnce().code(), absl::StatusCode::kUnavailable);
  // The server repeats the last event after the reconnect: it is not reported twice.
  Push(EventType::kModified, P("a", 7));
  Push(EventType::kModified, P("a", 8));
  End(absl::OkStatus());
  ASSERT_TRUE(informer_.WatchOnce().ok());
  EXPECT_THAT(WatchVersions(), ElementsAre("5", "7"));
  EXPECT_THAT(TakeLog(), ElementsAre("update a@7", "update a@8"));
}

TEST_F(SharedInformerTest, RelistAfterOutOfRangeReportsExactlyWhatChanged) {
  SetList({P("a", 5), P("b", 6), P("c", 7)}, 7);
  ASSERT_TRUE(informer_.ListAndReplace().ok());
  TakeLog();
  End(absl::OutOfRangeError("too old resource version: 7 (500)"));
  EXPECT_EQ(informer_.WatchOnce().code(), absl::StatusCode::kOutOfRange);
  // Meanwhile: a unchanged, b modified, c deleted, d created.
  SetList({P("a", 5), P("b", 400), P("d", 450)}, 500);
  ASSERT_TRUE(informer_.ListAndReplace().ok());
  EXPECT_THAT(TakeLog(), ElementsAre("update b@400", "add d@450", "delete c@7"));
  End(absl::OkStatus());
  ASSERT_TRUE(informer_.WatchOnce().ok());
  EXPECT_THAT(WatchVersions(), ElementsAre("7", "500"));
}

TEST_F(SharedInformerTest, RunRelistsOnOutOfRangeAndStopsOnRequest) {
  SetList({P("a", 5)}, 5);
  End(absl::OutOfRangeError("too old"));
  std::stop_source stop;
  std::thread reflector([&] { informer_.Run(stop.get_token()); });
  // After the first list and the refused watch, Run lists again and watches.
  auto relisted = [&] {
    absl::MutexLock lock(&state_->mu);
    return state_->lists >= 2 && state_->watch_versions.size() >= 2;
  };
  while (!relisted()) std::this_thread::yield();
  EXPECT_TRUE(informer_.HasSynced());
  stop.request_stop();  // cancels the open watch
  reflector.join();
  EXPECT_THAT(TakeLog(), ElementsAre("add a@5"));
}

}  // namespace
}  // namespace ordo::informer
