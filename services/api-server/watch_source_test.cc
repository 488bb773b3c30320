// WatchSource over an in-memory store: selector transitions, the initial
// state for a watch without a version, and the too-old error.
#include "services/api-server/watch_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock/fake_clock.h"
#include "common/store/memory_store.h"
#include "common/testing/status_matchers.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::apiserver {
namespace {

using ::ordo::testing::StatusIs;

class WatchSourceTest : public ::testing::Test {
 protected:
  core::v1::Pod Pod(const std::string& name, const std::string& tier) {
    core::v1::Pod pod;
    pod.mutable_metadata()->set_name(name);
    (*pod.mutable_metadata()->mutable_labels())["tier"] = tier;
    auto* c = pod.mutable_spec()->add_containers();
    c->set_name("app");
    c->set_image("ordo-podapp");
    return pod;
  }

  // The (type, name, tier) of every event ready now.
  std::vector<std::string> Drain(WatchSource& source) {
    std::vector<std::string> out;
    auto events = source.Next(100);
    EXPECT_OK(events);
    if (!events.ok()) return out;
    for (const auto& bytes : *events) {
      core::v1::PodWatchEvent e;
      EXPECT_TRUE(e.ParseFromString(*bytes));
      out.push_back(e.type() + " " + e.object().metadata().name() + " " +
                    e.object().metadata().labels().at("tier"));
    }
    return out;
  }

  store::MemoryStore store_{store::MemoryStoreOptions{.event_window = 500}};
  FakeClock clock_;
  Registry pods_{StrategyFor("Pod"), store_, clock_, nullptr};
};

TEST_F(WatchSourceTest, SelectorTransitionsReadAsAddedAndDeleted) {
  ASSERT_OK(pods_.Create(Pod("a", "web")));
  meta::v1::ListOptions options;
  options.set_label_selector("tier=web");
  options.set_resource_version(std::to_string(store_.CurrentRevision()));
  auto source = WatchSource::Open(pods_, options, store_, nullptr);
  ASSERT_OK(source);
  auto a = pods_.Get("default", "a");
  ASSERT_OK(a);
  core::v1::Pod moved = static_cast<const core::v1::Pod&>(**a);
  (*moved.mutable_metadata()->mutable_labels())["tier"] = "db";
  ASSERT_OK(pods_.Update(moved));           // leaves the selection
  ASSERT_OK(pods_.Create(Pod("b", "db")));  // never in it
  (*moved.mutable_metadata()->mutable_labels())["tier"] = "web";
  moved.mutable_metadata()->clear_resource_version();
  ASSERT_OK(pods_.Update(moved));  // comes back
  meta::v1::DeleteRequest del;
  del.set_name("a");
  ASSERT_OK(pods_.Delete(del));
  EXPECT_THAT(Drain(**source),
              ::testing::ElementsAre("DELETED a db", "ADDED a web", "DELETED a web"));
}

TEST_F(WatchSourceTest, WithoutVersionTheCurrentObjectsComeFirst) {
  ASSERT_OK(pods_.Create(Pod("a", "web")));
  ASSERT_OK(pods_.Create(Pod("b", "db")));
  auto source = WatchSource::Open(pods_, meta::v1::ListOptions(), store_, nullptr);
  ASSERT_OK(source);
  ASSERT_OK(pods_.Create(Pod("c", "web")));
  EXPECT_THAT(Drain(**source), ::testing::ElementsAre("ADDED a web", "ADDED b db"));
  EXPECT_THAT(Drain(**source), ::testing::ElementsAre("ADDED c web"));
}

TEST_F(WatchSourceTest, BookmarksCarryTheRevisionPastUnselectedChanges) {
  meta::v1::ListOptions options;
  options.set_label_selector("tier=web");
  options.set_resource_version(std::to_string(store_.CurrentRevision()));
  options.set_allow_watch_bookmarks(true);
  auto source = WatchSource::Open(pods_, options, store_, nullptr);
  ASSERT_OK(source);
  for (int i = 0; i < WatchSource::kBookmarkEvery; ++i) {
    ASSERT_OK(pods_.Create(Pod("db-" + std::to_string(i), "db")));
  }
  auto events = (*source)->Next(1000);
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), 1u);
  core::v1::PodWatchEvent bookmark;
  ASSERT_TRUE(bookmark.ParseFromString(*(*events)[0]));
  EXPECT_EQ(bookmark.type(), "BOOKMARK");
  EXPECT_EQ(bookmark.object().metadata().resource_version(),
            std::to_string(store_.CurrentRevision()));
  EXPECT_TRUE(bookmark.object().metadata().name().empty());
  // Without the option, nothing.
  options.set_allow_watch_bookmarks(false);
  options.set_resource_version(std::to_string(store_.CurrentRevision()));
  auto quiet = WatchSource::Open(pods_, options, store_, nullptr);
  ASSERT_OK(quiet);
  for (int i = 0; i < WatchSource::kBookmarkEvery; ++i) {
    ASSERT_OK(pods_.Create(Pod("more-" + std::to_string(i), "db")));
  }
  auto none = (*quiet)->Next(1000);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(WatchSourceTest, BadVersionsAreRefused) {
  for (int i = 0; i < 600; ++i) ASSERT_OK(pods_.Create(Pod("p" + std::to_string(i), "web")));
  meta::v1::ListOptions options;
  options.set_resource_version("3");
  EXPECT_THAT(
      WatchSource::Open(pods_, options, store_, nullptr),
      StatusIs(absl::StatusCode::kOutOfRange, ::testing::HasSubstr("too old resource version")));
  options.set_resource_version("yesterday");
  EXPECT_THAT(WatchSource::Open(pods_, options, store_, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument));
  options.set_resource_version("");
  options.set_field_selector("spec.nope=1");
  EXPECT_THAT(WatchSource::Open(pods_, options, store_, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ordo::apiserver
