#include "common/clock/fake_clock.h"

#include <gtest/gtest.h>

#include <thread>

#include "absl/synchronization/notification.h"

namespace ordo {
namespace {

TEST(FakeClockTest, TimeMovesOnlyOnAdvance) {
  FakeClock clock;
  absl::Time t0 = clock.Now();
  EXPECT_EQ(clock.Now(), t0);
  clock.Advance(absl::Seconds(5));
  EXPECT_EQ(clock.Now(), t0 + absl::Seconds(5));
}

TEST(FakeClockTest, SleeperWakesWhenTimeReachesItsDeadline) {
  FakeClock clock;
  absl::Notification woke;
  std::thread sleeper([&] {
    clock.SleepFor(absl::Seconds(10));
    woke.Notify();
  });
  while (clock.Waiters() == 0) std::this_thread::yield();
  clock.Advance(absl::Seconds(9));
  EXPECT_FALSE(woke.WaitForNotificationWithTimeout(absl::Milliseconds(20)));
  clock.Advance(absl::Seconds(1));
  woke.WaitForNotification();
  sleeper.join();
}

TEST(FakeClockTest, AwaitReturnsFalseAtDeadlineAndTrueOnCondition) {
  FakeClock clock;
  absl::Mutex mu;
  bool flag = false;
  std::thread advancer([&] {
    while (clock.Waiters() == 0) std::this_thread::yield();
    clock.Advance(absl::Seconds(2));
  });
  {
    absl::MutexLock lock(&mu);
    EXPECT_FALSE(
        clock.AwaitWithDeadline(mu, absl::Condition(&flag), clock.Now() + absl::Seconds(1)));
  }
  advancer.join();
  {
    absl::MutexLock lock(&mu);
    flag = true;
    EXPECT_TRUE(clock.AwaitWithDeadline(mu, absl::Condition(&flag), clock.Now() + absl::Hours(1)));
  }
}

TEST(SleepUntilTest, EndsAtTheDeadlineOrAtOnceWhenStopped) {
  FakeClock clock;
  std::stop_source stopped;
  stopped.request_stop();
  EXPECT_FALSE(SleepUntil(clock, stopped.get_token(), absl::InfiniteFuture()));

  std::stop_source running;
  std::thread advancer([&] {
    while (clock.Waiters() == 0) std::this_thread::yield();
    clock.Advance(absl::Seconds(5));
  });
  EXPECT_TRUE(SleepUntil(clock, running.get_token(), clock.Now() + absl::Seconds(5)));
  advancer.join();

  std::thread stopper([&] {
    while (clock.Waiters() == 0) std::this_thread::yield();
    running.request_stop();
  });
  EXPECT_FALSE(SleepUntil(clock, running.get_token(), absl::InfiniteFuture()));
  stopper.join();
}

}  // namespace
}  // namespace ordo
