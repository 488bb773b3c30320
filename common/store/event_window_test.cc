#include "common/store/event_window.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// A watcher is woken by the appends it wants, not by every commit.
TEST(EventWindowTest, OnlyWatchersOfTheAppendedKeysAreWoken) {
  EventWindow window(100, nullptr);
  window.Reset({}, 0);
  int pods_woken = 0, roles_woken = 0;
  auto pods = window.Watch("/pods/", 0, [&] { ++pods_woken; });
  auto roles = window.Watch("/roles/", 0, [&] { ++roles_woken; });
  ASSERT_OK(pods);
  ASSERT_OK(roles);
  for (int64_t r = 1; r <= 10; ++r) {
    std::vector<EventPtr> events = {PutAt("/pods/p" + std::to_string(r), r)};
    window.Append(events, r);
    window.WakeWatchersOf(events);
  }
  EXPECT_EQ(pods_woken, 10);
  EXPECT_EQ(roles_woken, 0);
  std::vector<EventPtr> both = {PutAt("/pods/x", 11), PutAt("/roles/admin", 11)};
  window.Append(both, 11);
  window.WakeWatchersOf(both);
  EXPECT_EQ(pods_woken, 11);
  EXPECT_EQ(roles_woken, 1);
  auto events = (*roles)->Poll(100);
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0]->kv->key, "/roles/admin");
}

// A watcher that wants none of the traffic must still never fall out of the
// window: each time it drifts half a window behind it is woken, and its Poll
// (which finds nothing) moves its cursor up. Without that wake, the trimming
// would pass its cursor and its next Poll would be OUT_OF_RANGE.
TEST(EventWindowTest, AWatcherOfAQuietPrefixKeepsUpWithTrafficItDoesNotWant) {
  EventWindow window(10, nullptr);
  window.Reset({}, 0);
  std::unique_ptr<Watcher> quiet;
  int woken = 0;
  auto watched = window.Watch("/quiet/", 0, [&] {
    ++woken;
    auto events = quiet->Poll(100);  // as a consumer does when woken
    EXPECT_OK(events);
  });
  ASSERT_OK(watched);
  quiet = *std::move(watched);
  for (int64_t r = 1; r <= 1000; ++r) {
    std::vector<EventPtr> events = {PutAt("/busy/" + std::to_string(r), r)};
    window.Append(events, r);
    window.WakeWatchersOf(events);
  }
  EXPECT_GT(woken, 0);
  EXPECT_LE(woken, 200);  // about once per half window (5 events), not 1,000 times
  EXPECT_FALSE(quiet->FellBehind());
  std::vector<EventPtr> mine = {PutAt("/quiet/q", 1001)};
  window.Append(mine, 1001);
  window.WakeWatchersOf(mine);
  EXPECT_EQ(quiet->cursor(), 1001);  // its wake polled it
}

}  // namespace
}  // namespace ordo::store
