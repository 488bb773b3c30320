#include "common/clock/fake_clock.h"

namespace ordo {

FakeClock::FakeClock(absl::Time start) : now_(start) {}

absl::Time FakeClock::Now() {
  absl::MutexLock lock(&mu_);
  return now_;
}

void FakeClock::SleepFor(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  absl::Time deadline = now_ + d;
  ++waiters_;
  auto due = [this, deadline]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return now_ >= deadline; };
  mu_.Await(absl::Condition(&due));
  --waiters_;
}

bool FakeClock::AwaitWithDeadline(absl::Mutex& mu, const absl::Condition& cond,
                                  absl::Time deadline) {
  {
    absl::MutexLock lock(&mu_);
    ++waiters_;
  }
  // The caller's mutex guards `cond`; fake time lives behind mu_. Re-check both
  // in short real-time slices: a wake-up is never missed, only delayed 1 ms.
  bool held = false;
  while (true) {
    if (cond.Eval()) {
      held = true;
      break;
    }
    if (Now() >= deadline) break;
    mu.AwaitWithTimeout(cond, absl::Milliseconds(1));
  }
  absl::MutexLock lock(&mu_);
  --waiters_;
  return held;
}

void FakeClock::Advance(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  now_ += d;
}

int FakeClock::Waiters() {
  absl::MutexLock lock(&mu_);
  return waiters_;
}

}  // namespace ordo
