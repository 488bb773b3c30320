#include "common/workqueue/rate_limiter.h"

#include <gtest/gtest.h>

#include "common/clock/fake_clock.h"

namespace ordo::workqueue {
namespace {

TEST(RateLimiterTest, ExponentialPerItemAndCapped) {
  ItemExponentialRateLimiter limiter(absl::Milliseconds(5), absl::Seconds(1));
  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(5));
  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(10));
  EXPECT_EQ(limiter.When("b"), absl::Milliseconds(5)) << "per item";
  for (int i = 0; i < 100; ++i) limiter.When("a");
  EXPECT_EQ(limiter.When("a"), absl::Seconds(1));
  limiter.Forget("a");
  EXPECT_EQ(limiter.When("a"), absl::Milliseconds(5));
}

TEST(RateLimiterTest, BucketAllowsTheBurstThenSpacesAtQps) {
  FakeClock clock;
  BucketRateLimiter limiter(clock, 10, 100);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.When("x"), absl::ZeroDuration()) << i;
  EXPECT_EQ(limiter.When("x"), absl::Milliseconds(100));
  EXPECT_EQ(limiter.When("x"), absl::Milliseconds(200));
  clock.Advance(absl::Seconds(10));  // refills (to at most the burst)
  EXPECT_EQ(limiter.When("x"), absl::ZeroDuration());
}

TEST(RateLimiterTest, TryTakeTakesOnlyTokensThatAreThere) {
  FakeClock clock;
  BucketRateLimiter limiter(clock, 0.1, 1);
  EXPECT_TRUE(limiter.TryTake());
  EXPECT_FALSE(limiter.TryTake());
  clock.Advance(absl::Seconds(9));
  EXPECT_FALSE(limiter.TryTake()) << "a refused take reserves nothing";
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(limiter.TryTake());
  clock.Advance(absl::Seconds(100));  // refills to the burst, no further
  EXPECT_TRUE(limiter.TryTake());
  EXPECT_FALSE(limiter.TryTake());
}

TEST(RateLimiterTest, DefaultIsTheLongerOfBoth) {
  FakeClock clock;
  auto limiter = DefaultControllerRateLimiter(clock);
  EXPECT_EQ(limiter->When("a"), absl::Milliseconds(5));
  for (int i = 0; i < 200; ++i) limiter->When("other" + std::to_string(i));
  // The bucket is empty now: a fresh item waits for the bucket, not 5 ms.
  EXPECT_GT(limiter->When("fresh"), absl::Seconds(1));
  EXPECT_EQ(limiter->NumRequeues("a"), 1);
}

}  // namespace
}  // namespace ordo::workqueue
