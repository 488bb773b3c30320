#include "common/clock/clock.h"

#include "absl/time/clock.h"

namespace ordo {

absl::Time RealClock::Now() { return absl::Now(); }

void RealClock::SleepFor(absl::Duration d) { absl::SleepFor(d); }

bool RealClock::AwaitWithDeadline(absl::Mutex& mu, const absl::Condition& cond,
                                  absl::Time deadline) {
  return mu.AwaitWithDeadline(cond, deadline);
}

Clock& SystemClock() {
  static RealClock* clock = new RealClock();
  return *clock;
}

bool SleepUntil(Clock& clock, std::stop_token stop, absl::Time deadline) {
  absl::Mutex mu;
  bool stopped = false;
  // Registered before `mu` is held: a stop already requested runs the callback
  // here, at once, and it takes `mu` itself.
  std::stop_callback wake(stop, [&] {
    absl::MutexLock lock(&mu);
    stopped = true;
  });
  absl::MutexLock lock(&mu);
  clock.AwaitWithDeadline(mu, absl::Condition(&stopped), deadline);
  return !stopped;
}

}  // namespace ordo
