// Slow-start batches, run inline so the order of calls is known.
#include "services/controller-manager/statefulset/slow_start_batch.h"

#include <gtest/gtest.h>

#include <vector>

namespace ordo::statefulset {
namespace {

TEST(SlowStartBatchTest, BatchesDoubleAndEveryIndexRunsOnce) {
  std::vector<int> calls;
  std::vector<int> batch_sizes;
  auto counting_runner = [&](int parallelism, const std::function<void()>& work) {
    batch_sizes.push_back(parallelism);
    RunInline(parallelism, work);
  };
  ASSERT_TRUE(SlowStartBatch(
                  10,
                  [&](int i) {
                    calls.push_back(i);
                    return absl::OkStatus();
                  },
                  counting_runner)
                  .ok());
  EXPECT_EQ(batch_sizes, (std::vector<int>{1, 2, 4, 3}));
  EXPECT_EQ(calls, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(SlowStartBatchTest, AFailureEndsItAfterItsBatch) {
  std::vector<int> calls;
  absl::Status s = SlowStartBatch(
      100,
      [&](int i) {
        calls.push_back(i);
        return i == 1 ? absl::UnavailableError("api-server away") : absl::OkStatus();
      },
      RunInline);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  // Batch {0}, then batch {1, 2}: index 2 still runs, nothing after it.
  EXPECT_EQ(calls, (std::vector<int>{0, 1, 2}));
}

TEST(SlowStartBatchTest, ThreadsRunEveryIndexOnce) {
  std::vector<std::atomic<int>> seen(1000);
  ASSERT_TRUE(SlowStartBatch(1000, [&](int i) {
                ++seen[i];
                return absl::OkStatus();
              }).ok());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(seen[i].load(), 1) << i;
}

}  // namespace
}  // namespace ordo::statefulset
