// WaitFor polls a condition until it holds or a deadline passes, backing off
// from 1 ms to 50 ms: the harness's only way to wait (never a bare sleep).
// Stateless; safe from any thread.
#pragma once

#include <algorithm>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ordo::itest {

template <typename Condition>
bool WaitFor(Condition condition, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  absl::Duration step = absl::Milliseconds(1);
  while (!condition()) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(std::min(step, deadline - absl::Now()));
    step = std::min(step * 2, absl::Milliseconds(50));
  }
  return true;
}

}  // namespace ordo::itest
