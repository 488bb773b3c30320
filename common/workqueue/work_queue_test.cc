// client-go's work queue semantics on a fake clock: merging, never two workers
// on one key, re-add during processing, delays, back-off and shutdown.
#include "common/workqueue/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/clock/fake_clock.h"

namespace ordo::workqueue {
namespace {

class WorkQueueTest : public ::testing::Test {
 protected:
  std::string Take() {
    std::string item;
    EXPECT_TRUE(queue_.TryGet(&item));
    return item;
  }

  FakeClock clock_;
  WorkQueue queue_{clock_};
};

TEST_F(WorkQueueTest, RepeatedAddsMerge) {
  queue_.Add("a");
  queue_.Add("b");
  queue_.Add("a");
  EXPECT_EQ(queue_.Len(), 2);
  EXPECT_EQ(Take(), "a");
  EXPECT_EQ(Take(), "b");
  std::string none;
  EXPECT_FALSE(queue_.TryGet(&none));
}

TEST_F(WorkQueueTest, AKeyBeingProcessedIsNotHandedOutUntilDone) {
  queue_.Add("a");
  EXPECT_EQ(Take(), "a");
  queue_.Add("a");  // changed again while a worker has it
  queue_.Add("a");
  EXPECT_EQ(queue_.Len(), 0) << "a second worker must not get it";
  queue_.Done("a");
  EXPECT_EQ(queue_.Len(), 1) << "it runs again after Done, once";
  EXPECT_EQ(Take(), "a");
  queue_.Done("a");
  EXPECT_EQ(queue_.Len(), 0);
}

TEST_F(WorkQueueTest, ConcurrentWorkersNeverShareAKeyAndEveryAddIsSeen) {
  constexpr int kKeys = 10, kAdds = 2000, kWorkers = 4;
  absl::Mutex mu;
  absl::flat_hash_set<std::string> in_progress;
  std::atomic<int> overlaps{0}, processed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      std::string key;
      while (queue_.Get(&key)) {
        {
          absl::MutexLock lock(&mu);
          if (!in_progress.insert(key).second) overlaps++;
        }
        processed++;
        {
          absl::MutexLock lock(&mu);
          in_progress.erase(key);
        }
        queue_.Done(key);
      }
    });
  }
  for (int i = 0; i < kAdds; ++i) queue_.Add(absl::StrCat("k", i % kKeys));
  queue_.ShutDownWithDrain();
  for (auto& t : workers) t.join();
  EXPECT_EQ(overlaps.load(), 0);
  // Adds merge, but every key was processed at least once after its last Add.
  EXPECT_GE(processed.load(), kKeys);
  EXPECT_LE(processed.load(), kAdds);
}

TEST_F(WorkQueueTest, AddAfterWaitsForTheClockAndTheEarliestDelayWins) {
  queue_.AddAfter("a", absl::Seconds(1));
  queue_.AddAfter("b", absl::Seconds(10));
  queue_.AddAfter("b", absl::Seconds(2));
  queue_.AddAfter("b", absl::Seconds(5));  // later than the pending 2 s: ignored
  EXPECT_EQ(queue_.Len(), 0);
  clock_.Advance(absl::Milliseconds(999));
  EXPECT_EQ(queue_.Len(), 0);
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_EQ(queue_.Len(), 1);
  EXPECT_EQ(Take(), "a");
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(queue_.Len(), 1);
  EXPECT_EQ(Take(), "b");
  clock_.Advance(absl::Seconds(60));
  EXPECT_EQ(queue_.Len(), 0) << "b was delayed three times but is handed out once";
}

TEST_F(WorkQueueTest, RateLimitedRetriesBackOffExponentiallyUntilForgotten) {
  for (absl::Duration wait : {absl::Milliseconds(5), absl::Milliseconds(10), absl::Milliseconds(20),
                              absl::Milliseconds(40)}) {
    queue_.AddRateLimited("a");
    clock_.Advance(wait - absl::Microseconds(1));
    EXPECT_EQ(queue_.Len(), 0) << wait;
    clock_.Advance(absl::Microseconds(1));
    EXPECT_EQ(queue_.Len(), 1) << wait;
    EXPECT_EQ(Take(), "a");
    queue_.Done("a");
  }
  EXPECT_EQ(queue_.NumRequeues("a"), 4);
  queue_.Forget("a");
  EXPECT_EQ(queue_.NumRequeues("a"), 0);
  queue_.AddRateLimited("a");
  clock_.Advance(absl::Milliseconds(5));
  EXPECT_EQ(queue_.Len(), 1);
}

TEST_F(WorkQueueTest, BlockedGetWakesWhenADelayedKeyComesDue) {
  std::string got;
  std::thread worker([&] { EXPECT_TRUE(queue_.Get(&got)); });
  queue_.AddAfter("late", absl::Seconds(5));
  // Wait for the worker to park on the clock, then move time.
  while (clock_.Waiters() == 0) std::this_thread::yield();
  clock_.Advance(absl::Seconds(5));
  worker.join();
  EXPECT_EQ(got, "late");
}

TEST_F(WorkQueueTest, ShutDownDrainsQueuedKeysThenStopsGet) {
  queue_.Add("a");
  queue_.Add("b");
  queue_.ShutDown();
  queue_.Add("c");  // refused
  EXPECT_TRUE(queue_.ShuttingDown());
  std::string item;
  EXPECT_TRUE(queue_.Get(&item));
  EXPECT_TRUE(queue_.Get(&item));
  EXPECT_EQ(item, "b");
  EXPECT_FALSE(queue_.Get(&item));
}

TEST_F(WorkQueueTest, ShutDownReleasesABlockedGet) {
  std::atomic<bool> returned{false};
  std::thread worker([&] {
    std::string item;
    EXPECT_FALSE(queue_.Get(&item));
    returned = true;
  });
  queue_.ShutDown();
  worker.join();
  EXPECT_TRUE(returned.load());
}

}  // namespace
}  // namespace ordo::workqueue
