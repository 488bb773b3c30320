// The Store contract (store.h), one suite run against every implementation:
// MemoryStore, the RocksDB-backed store and EtcdStore over a real etcd
// (Debian's, one member, started once for the suite). Revisions are compared,
// never assumed: etcd's start above 1, and a transaction's ops share one.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/store/drain_watcher.h"
#include "common/store/etcd_store.h"
#include "common/store/memory_store.h"
#include "common/store/rocksdb_store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/etcd_cluster.h"

namespace ordo::store {
namespace {

using ::ordo::testing::StatusIs;

struct Implementation {
  std::string name;
  // A new store holding no keys, with `window` watchable events.
  std::function<std::unique_ptr<Store>(size_t window)> open;
  // Makes history before `revision` unreadable, as the store's own
  // housekeeping would (etcd: a compaction; the others' windows already have).
  std::function<void(Store&, int64_t revision)> forget = [](Store&, int64_t) {};
};

// What the suite's stores keep on disk, and the one etcd they share (started
// by the first etcd test, a key prefix per store): both go when the test
// program ends, etcd's process with them.
class SuiteResources final : public ::testing::Environment {
 public:
  static SuiteResources& Get() {
    static auto* resources =
        static_cast<SuiteResources*>(::testing::AddGlobalTestEnvironment(new SuiteResources));
    return *resources;
  }
  ordo::testing::TempDir& scratch() {
    if (scratch_ == nullptr) scratch_ = std::make_unique<ordo::testing::TempDir>();
    return *scratch_;
  }
  itest::EtcdCluster& etcd() {
    if (etcd_ == nullptr) {
      auto started = itest::EtcdCluster::Start(scratch().Join("etcd"));
      if (!started.ok()) {
        ADD_FAILURE() << started.status();
        std::abort();
      }
      etcd_ = *std::move(started);
    }
    return *etcd_;
  }
  void TearDown() override {
    etcd_.reset();  // stops the process before its directory goes
    scratch_.reset();
  }

 private:
  std::unique_ptr<ordo::testing::TempDir> scratch_;
  std::unique_ptr<itest::EtcdCluster> etcd_;
};
// Registered before the tests run, so TearDown follows them.
[[maybe_unused]] SuiteResources& kRegistered = SuiteResources::Get();

ordo::testing::TempDir& Scratch() { return SuiteResources::Get().scratch(); }
itest::EtcdCluster& SharedEtcd() { return SuiteResources::Get().etcd(); }

// Names the implementation in test output (not its bytes).
void PrintTo(const Implementation& implementation, std::ostream* os) { *os << implementation.name; }

std::vector<Implementation> Implementations() {
  return {
      {.name = "Memory",
       .open = [](size_t window) -> std::unique_ptr<Store> {
         return std::make_unique<MemoryStore>(MemoryStoreOptions{.event_window = window});
       }},
      {.name = "RocksDb",
       .open = [](size_t window) -> std::unique_ptr<Store> {
         static int next = 0;
         auto store = OpenRocksDbStore(Scratch().Join(absl::StrCat("rocksdb-", next++)),
                                       MemoryStoreOptions{.event_window = window});
         return store.ok() ? *std::move(store) : nullptr;
       }},
      {.name = "Etcd",
       .open = [](size_t window) -> std::unique_ptr<Store> {
         static int next = 0;
         auto store = EtcdStore::Open({.endpoints = SharedEtcd().endpoints(),
                                       .key_prefix = absl::StrCat("/contract-", next++),
                                       .event_window = window});
         if (!store.ok()) ADD_FAILURE() << store.status();
         return store.ok() ? *std::move(store) : nullptr;
       },
       .forget =
           [](Store& store, int64_t revision) {
             ASSERT_OK(static_cast<EtcdStore&>(store).Compact(revision));
           }},
  };
}

class StoreContractTest : public ::testing::TestWithParam<Implementation> {
 protected:
  std::unique_ptr<Store> Open(size_t window = 10'000) {
    auto store = GetParam().open(window);
    EXPECT_NE(store, nullptr);
    return store;
  }
};

// Waits until watchers can be handed `revision` (a watch cache learns of
// writes after they are acknowledged).
void AwaitWatchable(Store& store, int64_t revision) {
  auto w = store.Watch("", revision - 1, nullptr);
  ASSERT_OK(w);
  DrainUntil(**w, revision);
  ASSERT_GE((*w)->cursor(), revision);
}

std::string Key(int i) { return absl::StrFormat("/pods/p%05d", i); }

TEST_P(StoreContractTest, CreateGetAndRevisions) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const int64_t start = store->CurrentRevision();
  auto a = store->Create("/a", "1");
  ASSERT_OK(a);
  EXPECT_GT((*a)->mod_revision, start);
  EXPECT_EQ((*a)->create_revision, (*a)->mod_revision);
  auto b = store->Create("/b", "2");
  ASSERT_OK(b);
  EXPECT_GT((*b)->mod_revision, (*a)->mod_revision);
  EXPECT_THAT(store->Create("/a", "again"), StatusIs(absl::StatusCode::kAlreadyExists));
  auto got = store->Get("/a");
  ASSERT_OK(got);
  EXPECT_EQ((*got)->value, "1");
  EXPECT_EQ((*got)->mod_revision, (*a)->mod_revision);
  EXPECT_THAT(store->Get("/missing"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(store->CurrentRevision(), (*b)->mod_revision);
}

TEST_P(StoreContractTest, CompareAndSwapOnModRevision) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto a = store->Create("/a", "1");
  ASSERT_OK(a);
  auto a2 = store->Put("/a", "2", (*a)->mod_revision);
  ASSERT_OK(a2);
  EXPECT_EQ((*a2)->create_revision, (*a)->mod_revision);
  EXPECT_GT((*a2)->mod_revision, (*a)->mod_revision);
  // A writer that read the first revision loses.
  EXPECT_THAT(store->Put("/a", "3", (*a)->mod_revision), StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(store->Delete("/a", (*a)->mod_revision), StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(store->Put("/nope", "x", 7), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store->Delete("/nope"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ((*store->Get("/a"))->value, "2");
  auto gone = store->Delete("/a", (*a2)->mod_revision);
  ASSERT_OK(gone);
  EXPECT_EQ((*gone)->value, "2");
  EXPECT_GT((*gone)->mod_revision, (*a2)->mod_revision);
  EXPECT_THAT(store->Get("/a"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(StoreContractTest, TransactionIsAllOrNothing) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto a = store->Create("/a", "1");
  ASSERT_OK(a);
  std::vector<Op> ops;
  ops.push_back(Op::Create("/b", "new"));
  ops.push_back(Op::Create("/a", "clash"));
  EXPECT_THAT(store->Commit(std::move(ops)), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(store->Get("/b"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(store->CurrentRevision(), (*a)->mod_revision);

  std::vector<Op> good;
  good.push_back(Op::Create("/b", "new"));
  good.push_back(Op::Delete("/a", (*a)->mod_revision));
  auto result = store->Commit(std::move(good));
  ASSERT_OK(result);
  ASSERT_EQ(result->kvs.size(), 2u);
  EXPECT_GT(result->kvs[0]->mod_revision, (*a)->mod_revision);
  EXPECT_EQ(result->kvs[1]->mod_revision, result->revision);
  EXPECT_LE(result->kvs[0]->mod_revision, result->revision);
  EXPECT_EQ(result->kvs[1]->value, "1");  // a deletion's result is the last value
  EXPECT_EQ(store->CurrentRevision(), result->revision);
}

TEST_P(StoreContractTest, ListIsPrefixScopedAndCarriesTheRevision) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->Create("/registry/pods/default/a", "a"));
  ASSERT_OK(store->Create("/registry/pods/default/b", "b"));
  ASSERT_OK(store->Create("/registry/podsx/default/c", "c"));
  auto list = store->List("/registry/pods/");
  ASSERT_OK(list);
  ASSERT_EQ(list->kvs.size(), 2u);
  EXPECT_EQ(list->kvs[0]->value, "a");
  EXPECT_EQ(list->kvs[1]->value, "b");
  EXPECT_EQ(list->revision, store->CurrentRevision());
}

TEST_P(StoreContractTest, WatchResumesFromAnyRevisionInTheWindow) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const int64_t start = store->CurrentRevision();
  std::vector<int64_t> revisions;  // of each write, in order
  for (int i = 0; i < 10; ++i) {
    auto put = store->Put(absl::StrCat("/k/", i % 3), absl::StrCat(i));
    ASSERT_OK(put);
    revisions.push_back((*put)->mod_revision);
  }
  auto deleted = store->Delete("/k/0");
  ASSERT_OK(deleted);
  revisions.push_back((*deleted)->mod_revision);
  for (size_t skip = 0; skip <= revisions.size(); ++skip) {
    int64_t from = skip == 0 ? start : revisions[skip - 1];
    auto w = store->Watch("/k/", from, nullptr);
    ASSERT_OK(w);
    auto events = DrainUntil(**w, revisions.back());
    ASSERT_EQ(events.size(), revisions.size() - skip) << "from " << from;
    for (size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i]->revision(), revisions[skip + i]);
    }
  }
  auto w = store->Watch("/k/", start, nullptr);
  ASSERT_OK(w);
  auto events = DrainUntil(**w, revisions.back());
  ASSERT_EQ(events.size(), revisions.size());
  EXPECT_TRUE(events[0]->created());
  EXPECT_FALSE(events[3]->created());
  EXPECT_EQ(events[3]->prev->value, "0");
  EXPECT_EQ(events.back()->type, Event::Type::kDelete);
  EXPECT_EQ(events.back()->kv->value, "9");
  EXPECT_EQ(events.back()->kv->key, "/k/0");
  EXPECT_EQ(events.back()->prev->value, "9");
}

TEST_P(StoreContractTest, WatchFiltersByPrefix) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto w = store->Watch("/a/", store->CurrentRevision(), nullptr);
  ASSERT_OK(w);
  ASSERT_OK(store->Create("/b/1", "x"));
  auto a = store->Create("/a/1", "y");
  ASSERT_OK(a);
  auto events = DrainUntil(**w, (*a)->mod_revision);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]->kv->key, "/a/1");
}

TEST_P(StoreContractTest, ReadyCallbackFiresOnCommit) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  std::atomic<int> calls{0};
  auto w = store->Watch("/", store->CurrentRevision(), [&] { calls++; });
  ASSERT_OK(w);
  auto x = store->Create("/x", "1");
  ASSERT_OK(x);
  AwaitWatchable(*store, (*x)->mod_revision);
  EXPECT_GE(calls.load(), 1);
}

TEST_P(StoreContractTest, RevisionOlderThanTheWindowIsOutOfRange) {
  auto store = Open(/*window=*/5);
  ASSERT_NE(store, nullptr);
  std::vector<int64_t> revisions;
  for (int i = 0; i < 20; ++i) {
    auto put = store->Put("/k", absl::StrCat(i));
    ASSERT_OK(put);
    revisions.push_back((*put)->mod_revision);
  }
  AwaitWatchable(*store, revisions.back());
  EXPECT_EQ(store->OldestWatchableRevision(), revisions[14]);
  EXPECT_THAT(store->Watch("/k", revisions[13], nullptr), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_OK(store->Watch("/k", revisions[14], nullptr));
}

TEST_P(StoreContractTest, SlowWatcherIsCutOffWithoutStallingWriters) {
  auto store = Open(/*window=*/8);
  ASSERT_NE(store, nullptr);
  auto slow = store->Watch("/k", store->CurrentRevision(), nullptr);
  ASSERT_OK(slow);
  // Writers go on although the watcher reads nothing.
  int64_t last = 0;
  for (int i = 0; i < 50; ++i) {
    auto put = store->Put("/k", absl::StrCat(i));
    ASSERT_OK(put);
    last = (*put)->mod_revision;
  }
  AwaitWatchable(*store, last);
  EXPECT_THAT((*slow)->Poll(10), StatusIs(absl::StatusCode::kOutOfRange));
}

TEST_P(StoreContractTest, FellBehindSaysWhetherTheWindowPassedTheWatcherWithoutMovingIt) {
  auto store = Open(/*window=*/8);
  ASSERT_NE(store, nullptr);
  const int64_t start = store->CurrentRevision();
  auto w = store->Watch("/k", start, nullptr);
  ASSERT_OK(w);
  int64_t last = 0;
  for (int i = 0; i < 8; ++i) last = (*store->Put("/k", absl::StrCat(i)))->mod_revision;
  AwaitWatchable(*store, last);
  EXPECT_FALSE((*w)->FellBehind());  // all 8 writes are still in the window
  EXPECT_EQ((*w)->cursor(), start);
  last = (*store->Put("/k", "8"))->mod_revision;  // the first leaves the window
  AwaitWatchable(*store, last);
  EXPECT_TRUE((*w)->FellBehind());
  EXPECT_EQ((*w)->cursor(), start);
  EXPECT_THAT((*w)->Poll(10), StatusIs(absl::StatusCode::kOutOfRange));
}

TEST_P(StoreContractTest, ConcurrentWritersAreSeenOnceEachInRevisionOrder) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto w = store->Watch("/", store->CurrentRevision(), nullptr);
  ASSERT_OK(w);
  constexpr int kThreads = 8, kWrites = 50;
  std::vector<std::vector<int64_t>> acknowledged(kThreads);
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        auto put = store->Put(absl::StrCat("/t", t, "/", i % 10), absl::StrCat(i));
        ASSERT_OK(put);
        acknowledged[t].push_back((*put)->mod_revision);
      }
    });
  }
  for (auto& th : writers) th.join();
  std::vector<int64_t> all;
  for (const auto& revisions : acknowledged)
    all.insert(all.end(), revisions.begin(), revisions.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kWrites));
  auto events = DrainUntil(**w, all.back());
  ASSERT_EQ(events.size(), all.size());
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i]->revision(), all[i]);
}

// Walks "/pods/" in pages of `limit` from the revision the first page gets,
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

TEST_P(StoreContractTest, PagesSplitTheListAndStayInThePrefix) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 10; ++i) ASSERT_OK(store->Create(Key(i), "v"));
  ASSERT_OK(store->Create("/pods0", "outside"));
  ASSERT_OK(store->Create("/nodes/n", "outside"));
  auto first = store->ListAt("/pods/", "", 4, 0, RestCount::kSkip);
  ASSERT_OK(first);
  EXPECT_EQ(first->kvs.size(), 4u);
  EXPECT_TRUE(first->more);
  EXPECT_EQ(first->revision, store->CurrentRevision());
  auto last = store->ListAt("/pods/", Key(8), 4, first->revision, RestCount::kSkip);
  ASSERT_OK(last);
  ASSERT_EQ(last->kvs.size(), 2u);
  EXPECT_EQ(last->kvs[1]->key, Key(9));
  EXPECT_FALSE(last->more);
  auto whole = store->ListAt("/pods/", "", 0, 0, RestCount::kSkip);
  ASSERT_OK(whole);
  EXPECT_EQ(whole->kvs.size(), 10u);
  EXPECT_FALSE(whole->more);
}

TEST_P(StoreContractTest, ALaterPageShowsTheFirstPagesRevisionNotWhatCameAfter) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 6; ++i) ASSERT_OK(store->Create(Key(i), "old"));
  auto first = store->ListAt("/pods/", "", 3, 0, RestCount::kSkip);
  ASSERT_OK(first);
  int64_t at = first->revision;
  ASSERT_OK(store->Put(Key(3), "new"));     // changed: the old value is listed
  ASSERT_OK(store->Delete(Key(4)));         // deleted: still listed
  ASSERT_OK(store->Create(Key(7), "new"));  // created: not listed
  ASSERT_OK(store->Delete(Key(5)));
  ASSERT_OK(store->Create(Key(5), "again"));  // recreated: the first one is listed
  auto rest = store->ListAt("/pods/", first->kvs.back()->key + '\0', 10, at, RestCount::kSkip);
  ASSERT_OK(rest);
  ASSERT_EQ(rest->kvs.size(), 3u);
  EXPECT_EQ(rest->revision, at);
  for (const auto& kv : rest->kvs) {
    EXPECT_EQ(kv->value, "old") << kv->key;
    EXPECT_LE(kv->mod_revision, at) << kv->key;
  }
  EXPECT_EQ(rest->kvs[2]->key, Key(5));
}

TEST_P(StoreContractTest, CountsWhatFollowsThePageAtTheListsRevision) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 10; ++i) ASSERT_OK(store->Create(Key(i), "v"));
  ASSERT_OK(store->Create("/pods0", "outside"));
  auto first = store->ListAt("/pods/", "", 4, 0, RestCount::kCount);
  ASSERT_OK(first);
  EXPECT_EQ(first->remaining, 6);
  ASSERT_OK(store->Delete(Key(5)));
  ASSERT_OK(store->Create(Key(12), "new"));
  ASSERT_OK(store->Put(Key(6), "changed"));
  const std::string after_first = first->kvs.back()->key + '\0';
  // At the first page's revision: keys 4 to 7 on the page, 8 and 9 after it.
  auto then = store->ListAt("/pods/", after_first, 4, first->revision, RestCount::kCount);
  ASSERT_OK(then);
  EXPECT_EQ(then->remaining, 2);
  // Now: 4, 6, 7 and 8 on the page, 9 and 12 after it.
  auto now = store->ListAt("/pods/", after_first, 4, 0, RestCount::kCount);
  ASSERT_OK(now);
  EXPECT_EQ(now->kvs[1]->key, Key(6));
  EXPECT_EQ(now->remaining, 2);
  auto last = store->ListAt("/pods/", Key(9), 4, 0, RestCount::kCount);
  ASSERT_OK(last);
  EXPECT_FALSE(last->more);
  EXPECT_EQ(last->remaining, 0);
  auto uncounted = store->ListAt("/pods/", "", 4, 0, RestCount::kSkip);
  ASSERT_OK(uncounted);
  EXPECT_TRUE(uncounted->more);
  EXPECT_EQ(uncounted->remaining, std::nullopt);
}

TEST_P(StoreContractTest, APageWalkUnderConcurrentWritesSeesEachObjectOfItsRevisionOnce) {
  auto store = Open(/*window=*/1'000'000);
  ASSERT_NE(store, nullptr);
  const int64_t start = store->CurrentRevision();
  constexpr int kObjects = 500;
  for (int i = 0; i < kObjects; ++i) ASSERT_OK(store->Create(Key(i), "0"));
  // Updates, deletes and creates all over the key range while pages are read
  // (joined however the test ends).
  std::jthread writer([&](std::stop_token stop) {
    for (int n = 1; n <= 30'000 && !stop.stop_requested(); ++n) {
      int i = (n * 7919) % (kObjects + 100);
      if (n % 3 == 0) {
        (void)store->Delete(Key(i));
      } else {
        (void)store->Put(Key(i), absl::StrCat(n));
      }
    }
  });
  for (int walk = 0; walk < 5; ++walk) {
    int64_t at = 0;
    auto walked = Walk(*store, 37, &at);
    ASSERT_OK(walked);
    // Each key once, as it was at `at`.
    absl::flat_hash_map<std::string, int> seen;
    for (const auto& kv : *walked) {
      EXPECT_LE(kv->mod_revision, at);
      EXPECT_EQ(++seen[kv->key], 1) << kv->key;
    }
    // The truth at `at`, replayed from the watch history: every key that
    // existed then, at the revision it had then.
    auto watcher = store->Watch("/pods/", start, [] {});
    ASSERT_OK(watcher);
    absl::flat_hash_map<std::string, int64_t> truth;
    while ((*watcher)->cursor() < at) {
      ASSERT_TRUE((*watcher)->AwaitReady(absl::Seconds(10)));
      auto events = (*watcher)->Poll(1);
      ASSERT_OK(events);
      for (const auto& e : *events) {
        if (e->revision() > at) break;
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

TEST_P(StoreContractTest, ARevisionOutOfTheHistoryIsOutOfRange) {
  auto store = Open(/*window=*/5);
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 3; ++i) ASSERT_OK(store->Create(Key(i), "v"));
  auto first = store->ListAt("/pods/", "", 1, 0, RestCount::kSkip);
  ASSERT_OK(first);
  for (int i = 0; i < 10; ++i) ASSERT_OK(store->Put(Key(0), absl::StrCat(i)));
  GetParam().forget(*store, store->CurrentRevision());
  EXPECT_THAT(store->ListAt("/pods/", Key(1), 1, first->revision, RestCount::kSkip),
              StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(store->ListAt("/pods/", "", 1, store->CurrentRevision() + 1, RestCount::kSkip),
              StatusIs(absl::StatusCode::kOutOfRange));
}

INSTANTIATE_TEST_SUITE_P(AllStores, StoreContractTest, ::testing::ValuesIn(Implementations()),
                         [](const ::testing::TestParamInfo<Implementation>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace ordo::store
