#include "common/server/executor.h"

#include <gtest/gtest.h>

#include <atomic>

#include "absl/synchronization/blocking_counter.h"

namespace ordo::server {
namespace {

TEST(ExecutorTest, RunsEverySubmittedClosure) {
  std::atomic<int> runs{0};
  absl::BlockingCounter done(100);
  {
    Executor executor(4);
    for (int i = 0; i < 100; ++i) {
      executor.Submit([&] {
        runs++;
        done.DecrementCount();
      });
    }
    done.Wait();
  }
  EXPECT_EQ(runs.load(), 100);
}

TEST(ExecutorTest, DestructorDrainsTheQueue) {
  std::atomic<int> runs{0};
  {
    Executor executor(1);
    for (int i = 0; i < 50; ++i) executor.Submit([&] { runs++; });
  }
  EXPECT_EQ(runs.load(), 50);
}

}  // namespace
}  // namespace ordo::server
