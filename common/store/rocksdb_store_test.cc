#include "common/store/rocksdb_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/store/power_cut_file_system.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "rocksdb/env.h"

namespace ordo::store {
namespace {

using ::ordo::testing::StatusIs;
using ::ordo::testing::TempDir;
using ::testing::IsEmpty;

TEST(RocksDbStoreTest, ReopenRestoresKeysRevisionAndWatchWindow) {
  TempDir dir;
  {
    auto store = OpenRocksDbStore(dir.path());
    ASSERT_OK(store);
    ASSERT_OK((*store)->Create("/a", "1"));
    ASSERT_OK((*store)->Create("/b", "2"));
    ASSERT_OK((*store)->Put("/a", "3", 1));
    ASSERT_OK((*store)->Delete("/b"));
  }
  auto store = OpenRocksDbStore(dir.path());
  ASSERT_OK(store);
  EXPECT_EQ((*store)->CurrentRevision(), 4);
  auto a = (*store)->Get("/a");
  ASSERT_OK(a);
  EXPECT_EQ((*a)->value, "3");
  EXPECT_EQ((*a)->create_revision, 1);
  EXPECT_EQ((*a)->mod_revision, 3);
  EXPECT_THAT((*store)->Get("/b"), StatusIs(absl::StatusCode::kNotFound));
  // A watcher that saw revision 1 before the restart resumes after it.
  auto w = (*store)->Watch("/", 1, nullptr);
  ASSERT_OK(w);
  auto events = (*w)->Poll(100);
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[2]->type, Event::Type::kDelete);
  // New writes continue the revision sequence.
  auto c = (*store)->Create("/c", "x");
  ASSERT_OK(c);
  EXPECT_EQ((*c)->mod_revision, 5);
}

TEST(RocksDbStoreTest, EventLogOnDiskIsTrimmed) {
  TempDir dir;
  {
    auto journal = RocksDbJournal::Open(dir.path(), RocksDbOptions{.events_on_disk = 40});
    ASSERT_OK(journal);
    auto store = MemoryStore::Open(*std::move(journal), MemoryStoreOptions{.event_window = 20});
    ASSERT_OK(store);
    for (int i = 0; i < 200; ++i) ASSERT_OK((*store)->Put("/k", absl::StrCat(i)));
  }
  auto journal = RocksDbJournal::Open(dir.path(), RocksDbOptions{.events_on_disk = 40});
  ASSERT_OK(journal);
  auto state = (*journal)->Load(1000);
  ASSERT_OK(state);
  EXPECT_EQ(state->revision, 200);
  EXPECT_LE(state->recent_events.size(), 40u + 10u);
  EXPECT_GE(state->recent_events.size(), 40u);
  EXPECT_EQ(state->recent_events.back()->revision(), 200);
}

// A child process writes as fast as it can and reports each acknowledged write
// on a pipe; the parent kills it with SIGKILL mid-stream, reopens the store and
// checks every acknowledged write is there, whole.
TEST(RocksDbStoreTest, EveryAcknowledgedWriteSurvivesKillDashNine) {
  TempDir dir;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    auto store = OpenRocksDbStore(dir.path());
    if (!store.ok()) _exit(2);
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0;; ++i) {
          std::string key = absl::StrCat("/k/", t, "/", i);
          if (!(*store)->Create(key, std::string(512, 'a' + t)).ok()) _exit(3);
          std::string line = absl::StrCat(t, " ", i, "\n");
          if (write(fds[1], line.data(), line.size()) < 0) _exit(4);
        }
      });
    }
    for (auto& w : writers) w.join();
    _exit(0);
  }
  close(fds[1]);
  FILE* acks = fdopen(fds[0], "r");
  std::vector<int> last(4, -1);
  int t = 0, i = 0, count = 0;
  while (count < 2000 && fscanf(acks, "%d %d", &t, &i) == 2) {
    last[t] = std::max(last[t], i);
    ++count;
  }
  kill(child, SIGKILL);
  int wstatus = 0;
  waitpid(child, &wstatus, 0);
  // Drain acknowledgements written before the kill landed.
  while (fscanf(acks, "%d %d", &t, &i) == 2) last[t] = std::max(last[t], i);
  fclose(acks);
  ASSERT_EQ(count, 2000);

  auto store = OpenRocksDbStore(dir.path());
  ASSERT_OK(store);
  for (int w = 0; w < 4; ++w) {
    for (int k = 0; k <= last[w]; ++k) {
      auto kv = (*store)->Get(absl::StrCat("/k/", w, "/", k));
      ASSERT_OK(kv) << "acknowledged write " << w << "/" << k << " lost";
      EXPECT_EQ((*kv)->value, std::string(512, 'a' + w));
    }
  }
  // Nothing is half there: every stored value is whole, and revisions are dense.
  ListResult all = *(*store)->List("/k/");
  for (const auto& kv : all.kvs) EXPECT_EQ(kv->value.size(), 512u);
  EXPECT_EQ(static_cast<int64_t>(all.kvs.size()), all.revision);
}

// What a power cut did to writes acknowledged before it.
struct PowerCutOutcome {
  int acknowledged = 0;
  std::vector<std::string> lost;                // acknowledged, and not there after the cut
  std::vector<absl::StatusCode> writer_errors;  // how each writer's last write failed
};

// 16 writers create keys as fast as they can through a store on a
// PowerCutFileSystem; once 2,000 are acknowledged the power is cut under them,
// and the store is reopened on the real file system.
PowerCutOutcome WriteThroughAPowerCut(const std::string& dir, bool sync_writes) {
  constexpr int kWriters = 16;
  auto fs = std::make_shared<PowerCutFileSystem>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  auto journal =
      RocksDbJournal::Open(dir, RocksDbOptions{.env = env.get(), .sync_writes = sync_writes});
  EXPECT_OK(journal);
  if (!journal.ok()) return {};
  auto store = MemoryStore::Open(*std::move(journal));
  EXPECT_OK(store);
  if (!store.ok()) return {};

  absl::Mutex mu;
  int acknowledged = 0;
  std::vector<std::vector<std::string>> keys(kWriters);
  PowerCutOutcome outcome;
  outcome.writer_errors.resize(kWriters, absl::StatusCode::kOk);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0;; ++i) {
        std::string key = absl::StrCat("/power/", w, "/", i);
        absl::StatusOr<KeyValuePtr> created = (*store)->Create(key, std::string(256, 'a' + w));
        if (!created.ok()) {  // after the cut every write fails
          outcome.writer_errors[w] = created.status().code();
          return;
        }
        keys[w].push_back(std::move(key));
        absl::MutexLock lock(&mu);
        ++acknowledged;
      }
    });
  }
  auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return acknowledged >= 2000; };
  EXPECT_TRUE(mu.LockWhenWithTimeout(absl::Condition(&enough), absl::Seconds(120)));
  mu.Unlock();
  fs->CutPower();
  for (auto& w : writers) w.join();
  store->reset();  // the process is gone
  fs->RestorePower();

  auto reopened = OpenRocksDbStore(dir);
  EXPECT_OK(reopened);
  if (!reopened.ok()) return {};
  for (int w = 0; w < kWriters; ++w) {
    for (const std::string& key : keys[w]) {
      ++outcome.acknowledged;
      auto kv = (*reopened)->Get(key);
      if (!kv.ok() || (*kv)->value != std::string(256, 'a' + w)) outcome.lost.push_back(key);
    }
  }
  return outcome;
}

// kill -9 keeps the page cache, so it cannot tell a store that syncs from one
// that does not; a power cut can.
TEST(RocksDbStoreTest, EveryAcknowledgedWriteSurvivesAPowerCut) {
  TempDir dir;
  PowerCutOutcome outcome = WriteThroughAPowerCut(dir.path(), /*sync_writes=*/true);
  EXPECT_GE(outcome.acknowledged, 2000);
  EXPECT_THAT(outcome.lost, IsEmpty());
  for (absl::StatusCode code : outcome.writer_errors)
    EXPECT_EQ(code, absl::StatusCode::kUnavailable);
}

// The test of the test above: the same run with the store not syncing must
// lose acknowledged writes, or the test above could not fail.
TEST(RocksDbStoreTest, APowerCutLosesAcknowledgedWritesOfAStoreThatDoesNotSync) {
  TempDir dir;
  PowerCutOutcome outcome = WriteThroughAPowerCut(dir.path(), /*sync_writes=*/false);
  EXPECT_GE(outcome.acknowledged, 2000);
  EXPECT_FALSE(outcome.lost.empty());
}

}  // namespace
}  // namespace ordo::store
