// FakeClock is a Clock whose time moves only when a test calls Advance(). Threads
// blocked in SleepFor or AwaitWithDeadline wake when fake time reaches their
// deadline (or, for Await, when their condition holds). Safe to call concurrently.
#pragma once

#include "common/clock/clock.h"

namespace ordo {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1'700'000'000));

  absl::Time Now() override;
  void SleepFor(absl::Duration d) override;
  bool AwaitWithDeadline(absl::Mutex& mu, const absl::Condition& cond,
                         absl::Time deadline) override;

  // Moves time forward by `d`; sleepers whose deadline passed wake up.
  void Advance(absl::Duration d);
  // How many threads are blocked in SleepFor/AwaitWithDeadline right now, so a
  // test can wait for a component to park before advancing time.
  int Waiters();

 private:
  absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
  int waiters_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ordo
