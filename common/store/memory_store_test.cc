#include "common/store/memory_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/store/drain_watcher.h"
#include "common/store/fake_journal.h"
#include "common/testing/status_matchers.h"

namespace ordo::store {
namespace {

using ::ordo::testing::StatusIs;

// The rest of the Store contract is store_contract_test.cc's; this is
// MemoryStore's own: revisions count from 1, one per op.
TEST(MemoryStoreTest, EachOpOfATransactionGetsARevisionOfItsOwn) {
  MemoryStore store;
  auto a = store.Create("/a", "1");
  ASSERT_OK(a);
  EXPECT_EQ((*a)->mod_revision, 1);
  std::vector<Op> ops;
  ops.push_back(Op::Create("/b", "new"));
  ops.push_back(Op::Delete("/a", 1));
  auto result = store.Commit(std::move(ops));
  ASSERT_OK(result);
  EXPECT_EQ(result->kvs[0]->mod_revision, 2);
  EXPECT_EQ(result->kvs[1]->mod_revision, 3);
  EXPECT_EQ(result->revision, 3);
  EXPECT_EQ(store.CurrentRevision(), 3);
}

// Records what the store reports.
class RecordingObserver final : public StoreObserver {
 public:
  void GroupCommitted(const GroupCommit& commit) override {
    absl::MutexLock lock(&mu_);
    commits_.push_back(commit);
  }
  void WatcherCutOff() override { cut_off_++; }
  std::vector<GroupCommit> commits() {
    absl::MutexLock lock(&mu_);
    return commits_;
  }
  int cut_off() const { return cut_off_; }

 private:
  absl::Mutex mu_;
  std::vector<GroupCommit> commits_ ABSL_GUARDED_BY(mu_);
  std::atomic<int> cut_off_{0};
};

TEST(MemoryStoreTest, ObserverSeesEachGroupAndEachWatcherCutOff) {
  auto observer = std::make_shared<RecordingObserver>();
  MemoryStore store(MemoryStoreOptions{.event_window = 4, .observer = observer});
  auto slow = store.Watch("/k", 0, nullptr);
  ASSERT_OK(slow);
  for (int i = 0; i < 6; ++i) ASSERT_OK(store.Put("/k", absl::StrCat(i)));
  // A failed check is a transaction of its group, but writes nothing.
  EXPECT_THAT(store.Create("/k", "again"), StatusIs(absl::StatusCode::kAlreadyExists));

  std::vector<GroupCommit> commits = observer->commits();
  ASSERT_EQ(commits.size(), 6u);  // one per write: they ran one after another
  EXPECT_EQ(commits[0].transactions, 1u);
  EXPECT_EQ(commits[0].events, 1u);
  EXPECT_EQ(commits[0].window_events, 1u);
  EXPECT_EQ(commits[5].window_events, 4u);
  EXPECT_EQ(commits[5].window_capacity, 4u);
  EXPECT_EQ(observer->cut_off(), 0);
  EXPECT_THAT((*slow)->Poll(10), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_EQ(observer->cut_off(), 1);
}

// A store over a FakeJournal, which the test keeps a handle on.
struct JournaledStore {
  FakeJournal* journal;
  std::unique_ptr<MemoryStore> store;
};
JournaledStore OpenOnFakeJournal() {
  auto journal = std::make_unique<FakeJournal>();
  FakeJournal* handle = journal.get();
  auto store = MemoryStore::Open(std::move(journal));
  EXPECT_OK(store);
  return {handle, store.ok() ? *std::move(store) : nullptr};
}

// The disk fails a group: no write of it is acknowledged or seen, and once the
// disk heals the revisions go on from the last durable one, with no gap.
TEST(MemoryStoreTest, AFailedJournalWritePublishesNothingAndFailsEveryWriter) {
  JournaledStore opened = OpenOnFakeJournal();
  ASSERT_NE(opened.store, nullptr);
  FakeJournal* journal = opened.journal;
  MemoryStore* store = opened.store.get();
  ASSERT_OK(store->Create("/a", "before"));
  auto watcher = store->Watch("/", 1, nullptr);
  ASSERT_OK(watcher);

  journal->FailWith(absl::DataLossError("the disk is gone"));
  journal->Hold();  // the first group waits in Append while the rest queue behind it
  constexpr int kWriters = 16;
  std::vector<absl::Status> results(kWriters);
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      results[i] = i % 2 == 0 ? store->Create(absl::StrCat("/k/", i), "x").status()
                              : store->Put("/a", absl::StrCat("update ", i)).status();
    });
  }
  ASSERT_TRUE(journal->AwaitHeldAppend(absl::Seconds(10)));
  journal->Release();
  for (auto& w : writers) w.join();
  for (int i = 0; i < kWriters; ++i) {
    EXPECT_THAT(results[i], StatusIs(absl::StatusCode::kUnavailable)) << "writer " << i;
  }
  EXPECT_EQ(store->CurrentRevision(), 1);
  auto a = store->Get("/a");
  ASSERT_OK(a);
  EXPECT_EQ((*a)->value, "before");
  EXPECT_THAT(store->Get("/k/0"), StatusIs(absl::StatusCode::kNotFound));
  auto nothing = (*watcher)->Poll(100);
  ASSERT_OK(nothing);
  EXPECT_TRUE(nothing->empty());

  journal->FailWith(absl::OkStatus());
  auto after = store->Create("/k/0", "after");
  ASSERT_OK(after);
  EXPECT_EQ((*after)->mod_revision, 2);
  EXPECT_EQ(journal->revision(), 2);
  std::vector<EventPtr> events = DrainUntil(**watcher, 2);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]->kv->key, "/k/0");
}

// A slow disk holds the acknowledgement of what it is writing, and nothing
// else: reads go on and see the state before the write until it is durable.
TEST(MemoryStoreTest, AHeldJournalWriteHoldsItsAcknowledgementButNotReads) {
  JournaledStore opened = OpenOnFakeJournal();
  ASSERT_NE(opened.store, nullptr);
  FakeJournal* journal = opened.journal;
  MemoryStore* store = opened.store.get();
  ASSERT_OK(store->Create("/a", "old"));
  journal->Hold();
  absl::Notification done;
  absl::StatusOr<TxnResult> result;
  store->CommitAsync({Op::Put("/a", "new")}, [&](absl::StatusOr<TxnResult> r) {
    result = std::move(r);
    done.Notify();
  });
  ASSERT_TRUE(journal->AwaitHeldAppend(absl::Seconds(10)));
  auto a = store->Get("/a");
  ASSERT_OK(a);
  EXPECT_EQ((*a)->value, "old");
  EXPECT_EQ(store->CurrentRevision(), 1);
  EXPECT_FALSE(done.HasBeenNotified());

  journal->Release();
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  ASSERT_OK(result);
  a = store->Get("/a");
  ASSERT_OK(a);
  EXPECT_EQ((*a)->value, "new");
}

}  // namespace
}  // namespace ordo::store
