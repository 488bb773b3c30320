// Paged lists at a revision (Store::ListAt): every page of one list is read
// at the revision of the first, whatever is written meanwhile, and a revision
// that has left the event window is OUT_OF_RANGE.
#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/store/memory_store.h"
#include "common/testing/status_matchers.h"

namespace ordo::store {
namespace {

using ::ordo::testing::StatusIs;

std::string Key(int i) { return absl::StrFormat("/pods/p%05d", i); }

// Walks the prefix in pages of `limit` from the revision the first page gets,
// checking that each page's count of what follows agrees with the next page.
absl::StatusOr<std::vector<KeyValuePtr>> Walk(Store& store, size_t limit, int64_t* revision) {
  std::vector<KeyValuePtr> all;
  std::string start;
  int64_t at = 0;
  std::optional<int64_t> promised;  // what the previous page said would follow
  for (;;) {
    auto page = store.ListAt("/pods/", start, limit, at, RestCount::kCount);
    if (!page.ok()) return page.status();
    at = page->revision;
    all.insert(all.end(), page->kvs.begin(), page->kvs.end());
    if (promised.has_value()) {
      EXPECT_EQ(*promised, static_cast<int64_t>(page->kvs.size()) + *page->remaining);
    }
    promised = page->remaining;
    if (!page->more) break;
    EXPECT_EQ(page->kvs.size(), limit);
    start = page->kvs.back()->key + '\0';
  }
  EXPECT_EQ(promised, 0);
  *revision = at;
  return all;
}

TEST(ListAtTest, PagesSplitTheListAndStayInThePrefix) {
  MemoryStore store;
  for (int i = 0; i < 10; ++i) ASSERT_OK(store.Create(Key(i), "v"));
  ASSERT_OK(store.Create("/pods0", "outside"));
  ASSERT_OK(store.Create("/nodes/n", "outside"));
  auto first = store.ListAt("/pods/", "", 4, 0, RestCount::kSkip);
  ASSERT_OK(first);
  EXPECT_EQ(first->kvs.size(), 4u);
  EXPECT_TRUE(first->more);
  EXPECT_EQ(first->revision, 12);
  auto last = store.ListAt("/pods/", Key(8), 4, first->revision, RestCount::kSkip);
  ASSERT_OK(last);
  ASSERT_EQ(last->kvs.size(), 2u);
  EXPECT_EQ(last->kvs[1]->key, Key(9));
  EXPECT_FALSE(last->more);
  auto whole = store.ListAt("/pods/", "", 0, 0, RestCount::kSkip);
  ASSERT_OK(whole);
  EXPECT_EQ(whole->kvs.size(), 10u);
  EXPECT_FALSE(whole->more);
}

TEST(ListAtTest, ALaterPageShowsTheFirstPagesRevisionNotWhatCameAfter) {
  MemoryStore store;
  for (int i = 0; i < 6; ++i) ASSERT_OK(store.Create(Key(i), "old"));
  auto first = store.ListAt("/pods/", "", 3, 0, RestCount::kSkip);
  ASSERT_OK(first);
  int64_t at = first->revision;
  ASSERT_OK(store.Put(Key(3), "new"));     // changed: the old value is listed
  ASSERT_OK(store.Delete(Key(4)));         // deleted: still listed
  ASSERT_OK(store.Create(Key(7), "new"));  // created: not listed
  ASSERT_OK(store.Delete(Key(5)));
  ASSERT_OK(store.Create(Key(5), "again"));  // recreated: the first one is listed
  auto rest = store.ListAt("/pods/", first->kvs.back()->key + '\0', 10, at, RestCount::kSkip);
  ASSERT_OK(rest);
  ASSERT_EQ(rest->kvs.size(), 3u);
  EXPECT_EQ(rest->revision, at);
  for (const auto& kv : rest->kvs) {
    EXPECT_EQ(kv->value, "old") << kv->key;
    EXPECT_LE(kv->mod_revision, at) << kv->key;
  }
  EXPECT_EQ(rest->kvs[2]->key, Key(5));
}

TEST(ListAtTest, CountsWhatFollowsThePageAtTheListsRevision) {
  MemoryStore store;
  for (int i = 0; i < 10; ++i) ASSERT_OK(store.Create(Key(i), "v"));
  ASSERT_OK(store.Create("/pods0", "outside"));
  auto first = store.ListAt("/pods/", "", 4, 0, RestCount::kCount);
  ASSERT_OK(first);
  EXPECT_EQ(first->remaining, 6);
  ASSERT_OK(store.Delete(Key(5)));
  ASSERT_OK(store.Create(Key(12), "new"));
  ASSERT_OK(store.Put(Key(6), "changed"));
  const std::string after_first = first->kvs.back()->key + '\0';
  // At the first page's revision: keys 4 to 7 on the page, 8 and 9 after it.
  auto then = store.ListAt("/pods/", after_first, 4, first->revision, RestCount::kCount);
  ASSERT_OK(then);
  EXPECT_EQ(then->remaining, 2);
  // Now: 4, 6, 7 and 8 on the page, 9 and 12 after it.
  auto now = store.ListAt("/pods/", after_first, 4, 0, RestCount::kCount);
  ASSERT_OK(now);
  EXPECT_EQ(now->kvs[1]->key, Key(6));
  EXPECT_EQ(now->remaining, 2);
  auto last = store.ListAt("/pods/", Key(9), 4, 0, RestCount::kCount);
  ASSERT_OK(last);
  EXPECT_FALSE(last->more);
  EXPECT_EQ(last->remaining, 0);
  auto uncounted = store.ListAt("/pods/", "", 4, 0, RestCount::kSkip);
  ASSERT_OK(uncounted);
  EXPECT_TRUE(uncounted->more);
  EXPECT_EQ(uncounted->remaining, std::nullopt);
}

TEST(ListAtTest, APageWalkUnderConcurrentWritesSeesEachObjectOfItsRevisionOnce) {
  MemoryStore store(MemoryStoreOptions{.event_window = 1'000'000});
  constexpr int kObjects = 2000;
  for (int i = 0; i < kObjects; ++i) ASSERT_OK(store.Create(Key(i), "0"));
  // Updates, deletes and creates all over the key range while pages are read
  // (joined however the test ends).
  std::jthread writer([&](std::stop_token stop) {
    for (int n = 1; n <= 30'000 && !stop.stop_requested(); ++n) {
      int i = (n * 7919) % (kObjects + 500);
      if (n % 3 == 0) {
        (void)store.Delete(Key(i));
      } else {
        (void)store.Put(Key(i), absl::StrCat(n));
      }
    }
  });
  for (int walk = 0; walk < 10; ++walk) {
    int64_t at = 0;
    auto walked = Walk(store, 37, &at);
    ASSERT_OK(walked);
    // Each key once, as it was at `at`.
    absl::flat_hash_map<std::string, int> seen;
    for (const auto& kv : *walked) {
      EXPECT_LE(kv->mod_revision, at);
      EXPECT_EQ(++seen[kv->key], 1) << kv->key;
    }
    // The truth at `at`, replayed from the watch history: every key that
    // existed then, at the revision it had then.
    auto watcher = store.Watch("/pods/", 0, [] {});
    ASSERT_OK(watcher);
    absl::flat_hash_map<std::string, int64_t> truth;
    while ((*watcher)->cursor() < at) {
      ASSERT_TRUE((*watcher)->AwaitReady(absl::Seconds(10)));
      auto events = (*watcher)->Poll(at - (*watcher)->cursor());
      ASSERT_OK(events);
      for (const auto& e : *events) {
        if (e->type == Event::Type::kDelete) {
          truth.erase(e->kv->key);
        } else {
          truth[e->kv->key] = e->kv->mod_revision;
        }
      }
    }
    ASSERT_EQ(walked->size(), truth.size());
    for (const auto& kv : *walked) EXPECT_EQ(truth[kv->key], kv->mod_revision) << kv->key;
  }
}

TEST(ListAtTest, ARevisionOutOfTheWindowIsOutOfRange) {
  MemoryStore store(MemoryStoreOptions{.event_window = 5});
  for (int i = 0; i < 3; ++i) ASSERT_OK(store.Create(Key(i), "v"));
  auto first = store.ListAt("/pods/", "", 1, 0, RestCount::kSkip);
  ASSERT_OK(first);
  for (int i = 0; i < 10; ++i) ASSERT_OK(store.Put(Key(0), absl::StrCat(i)));
  EXPECT_THAT(store.ListAt("/pods/", Key(1), 1, first->revision, RestCount::kSkip),
              StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(store.ListAt("/pods/", "", 1, store.CurrentRevision() + 1, RestCount::kSkip),
              StatusIs(absl::StatusCode::kOutOfRange));
}

}  // namespace
}  // namespace ordo::store
