#include "common/store/event_window.h"

#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace ordo::store {
namespace {

using ::ordo::testing::StatusIs;

EventPtr PutAt(const std::string& key, int64_t revision) {
  auto kv = std::make_shared<KeyValue>();
  kv->key = key;
  kv->mod_revision = revision;
  kv->create_revision = revision;
  auto event = std::make_shared<Event>();
  event->kv = std::move(kv);
  return event;
}

// etcd's revisions: a transaction's events share one, and revisions of keys
// outside the store's prefix never arrive, so the window has gaps.
TEST(EventWindowTest, ARevisionIsHandedOutWholeAndGapsAreNoLoss) {
  EventWindow window(100, nullptr);
  window.Reset({}, 10);
  auto w = window.Watch("/", 10, nullptr);
  ASSERT_OK(w);
  window.Append({PutAt("/a", 12), PutAt("/b", 12), PutAt("/c", 12), PutAt("/d", 15)}, 15);
  auto first = (*w)->Poll(1);
  ASSERT_OK(first);
  ASSERT_EQ(first->size(), 3u);  // all of revision 12, though one was asked for
  EXPECT_EQ((*w)->cursor(), 12);
  auto second = (*w)->Poll(1);
  ASSERT_OK(second);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0]->kv->key, "/d");
  EXPECT_EQ((*w)->cursor(), 15);
  // A watch may start inside a gap.
  auto from13 = window.Watch("/", 13, nullptr);
  ASSERT_OK(from13);
  auto rest = (*from13)->Poll(10);
  ASSERT_OK(rest);
  ASSERT_EQ(rest->size(), 1u);
}

TEST(EventWindowTest, TrimmingDropsAWholeRevision) {
  EventWindow window(3, nullptr);
  window.Reset({}, 0);
  window.Append({PutAt("/a", 1), PutAt("/b", 2), PutAt("/c", 2)}, 2);
  window.Append({PutAt("/d", 3)}, 3);  // /a leaves; revision 2 stays whole
  EXPECT_EQ(window.Oldest(), 1);
  window.Append({PutAt("/e", 4)}, 4);  // /b must go, so /c goes with it
  EXPECT_EQ(window.Oldest(), 2);
  EXPECT_THAT(window.Watch("/", 1, nullptr), StatusIs(absl::StatusCode::kOutOfRange));
  auto w = window.Watch("/", 2, nullptr);
  ASSERT_OK(w);
  auto events = (*w)->Poll(10);
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0]->kv->key, "/d");
}

TEST(EventWindowTest, AResetCutsOffEveryWatcherBehindIt) {
  EventWindow window(100, nullptr);
  window.Reset({}, 5);
  auto w = window.Watch("/", 5, nullptr);
  ASSERT_OK(w);
  window.Reset({}, 50);  // history 6..50 is lost
  EXPECT_TRUE((*w)->FellBehind());
  EXPECT_THAT((*w)->Poll(10), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_OK(window.Watch("/", 50, nullptr));
}

}  // namespace
}  // namespace ordo::store
