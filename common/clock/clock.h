// Clock is the only source of time in ordo: components take a Clock& instead of
// calling now() or sleeping, so tests drive time with FakeClock. RealClock reads
// the system clocks. All methods are safe to call concurrently.
#pragma once

#include <stop_token>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ordo {

class Clock {
 public:
  virtual ~Clock() = default;
  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;

  // Wall time, for timestamps written into objects.
  virtual absl::Time Now() = 0;
  // Blocks the calling thread for `d` of this clock's time.
  virtual void SleepFor(absl::Duration d) = 0;
  // With `mu` held, waits until `cond` holds or this clock reaches `deadline`.
  // Returns whether `cond` holds. REQUIRES: mu is held by the caller.
  virtual bool AwaitWithDeadline(absl::Mutex& mu, const absl::Condition& cond,
                                 absl::Time deadline) = 0;
};

class RealClock final : public Clock {
 public:
  absl::Time Now() override;
  void SleepFor(absl::Duration d) override;
  bool AwaitWithDeadline(absl::Mutex& mu, const absl::Condition& cond,
                         absl::Time deadline) override;
};

// The process-wide real clock.
Clock& SystemClock();

// Sleeps on `clock` until `deadline` or until `stop` is requested, whichever
// comes first; returns false when stopped. For loops that pace themselves
// (heartbeats) yet must end promptly.
bool SleepUntil(Clock& clock, std::stop_token stop, absl::Time deadline);

}  // namespace ordo
