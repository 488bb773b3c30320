// Storage metrics: a write is seen as a group commit and an event, the
// stored-state collector counts objects per resource and open watches per
// kind, and a watcher that falls behind the window is counted once.
#include "services/api-server/storage_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/clock/fake_clock.h"
#include "common/store/memory_store.h"
#include "common/testing/status_matchers.h"
#include "prometheus/text_serializer.h"
#include "services/api-server/watch_source.h"

namespace ordo::apiserver {
namespace {

class StorageMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(api_.Bootstrap()); }

  void CreatePod(const std::string& name) {
    core::v1::Pod pod;
    pod.mutable_metadata()->set_name(name);
    auto* c = pod.mutable_spec()->add_containers();
    c->set_name("app");
    c->set_image("ordo-podapp");
    ASSERT_OK(api_.registry("Pod").Create(pod));
  }

  std::string Exposition(const prometheus::Collectable& collectable) {
    return prometheus::TextSerializer().Serialize(collectable.Collect());
  }

  // The value of the series written exactly `series` ("name" or
  // "name{labels}") in the registry's exposition; -1 when absent.
  double Value(const std::string& series) {
    const std::string text = "\n" + Exposition(registry_);
    size_t at = text.find("\n" + series + " ");
    return at == std::string::npos ? -1 : std::stod(text.substr(at + series.size() + 2));
  }

  prometheus::Registry registry_;
  std::shared_ptr<StoreMetrics> observer_ = std::make_shared<StoreMetrics>(registry_);
  store::MemoryStore store_{store::MemoryStoreOptions{.event_window = 16, .observer = observer_}};
  FakeClock clock_;
  ApiServer api_{store_, clock_};
};

TEST_F(StorageMetricsTest, WritesAreGroupCommitsIntoTheWindow) {
  const double events = Value("ordo_store_events_total");  // Bootstrap's
  const double groups = Value("ordo_store_commit_group_transactions_count");
  ASSERT_GT(events, 0);
  CreatePod("web-0");
  CreatePod("web-1");
  // One transaction, one event and one group each (they ran one after another).
  EXPECT_EQ(Value("ordo_store_events_total"), events + 2);
  EXPECT_EQ(Value("ordo_store_commit_group_transactions_count"), groups + 2);
  EXPECT_EQ(Value(R"(ordo_store_commit_group_transactions_bucket{le="1"})"), groups + 2);
  EXPECT_EQ(Value("ordo_store_event_window_events"), std::min(events + 2, 16.0));
  EXPECT_EQ(Value("ordo_store_event_window_capacity"), 16);
  // Without a journal nothing is written to disk: every write took 0 s.
  EXPECT_EQ(Value(R"(ordo_store_fsync_duration_seconds_bucket{le="0.001"})"), groups + 2);
}

TEST_F(StorageMetricsTest, StoredObjectsPerResourceAndWatchersPerKind) {
  CreatePod("web-0");
  CreatePod("web-1");
  StoredStateCollector collector(api_);
  {
    auto watch = WatchSource::Open(api_.registry("Pod"), meta::v1::ListOptions(), store_, nullptr);
    ASSERT_OK(watch);
    const std::string text = Exposition(collector);
    EXPECT_NE(text.find("apiserver_storage_objects{resource=\"pods\"} 2"), std::string::npos)
        << text;
    EXPECT_NE(text.find("apiserver_storage_objects{resource=\"statefulsets.apps\"} 0"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("apiserver_registered_watchers{group=\"\",version=\"v1\",kind=\"Pod\"} 1"),
              std::string::npos)
        << text;
  }
  // The watch ended: it is no longer counted.
  const std::string text = Exposition(collector);
  EXPECT_NE(text.find("apiserver_registered_watchers{group=\"\",version=\"v1\",kind=\"Pod\"} 0"),
            std::string::npos)
      << text;
}

TEST_F(StorageMetricsTest, AWatcherLeftBehindIsCountedAsCutOff) {
  auto watch = WatchSource::Open(api_.registry("Pod"), meta::v1::ListOptions(), store_, nullptr);
  ASSERT_OK(watch);
  for (int i = 0; i < 20; ++i) CreatePod("web-" + std::to_string(i));
  EXPECT_THAT((*watch)->Next(100), testing::StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_NE(Exposition(registry_).find("ordo_store_watchers_cut_off_total 1"), std::string::npos);
}

}  // namespace
}  // namespace ordo::apiserver
