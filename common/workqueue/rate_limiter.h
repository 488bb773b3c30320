// Rate limiters for the work queue, with client-go's semantics
// (workqueue/default_rate_limiters.go): When(item) says how long to wait
// before the item is retried, Forget(item) clears its failure history.
//   - ItemExponentialRateLimiter: base * 2^failures, capped.
//   - BucketRateLimiter: a token bucket over all items (qps, burst).
//   - MaxOfRateLimiter: the longest wait of several.
// DefaultControllerRateLimiter is max(exponential 5 ms..1000 s, bucket 10 qps
// burst 100). Time comes from the injected Clock. Safe to call concurrently.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"

namespace ordo::workqueue {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  RateLimiter() = default;
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // How long `item` should wait before it is processed again; counts a failure.
  virtual absl::Duration When(const std::string& item) = 0;
  // The item succeeded: forget its failures.
  virtual void Forget(const std::string& item) = 0;
  virtual int NumRequeues(const std::string& item) = 0;
};

class ItemExponentialRateLimiter final : public RateLimiter {
 public:
  ItemExponentialRateLimiter(absl::Duration base, absl::Duration max) : base_(base), max_(max) {}
  absl::Duration When(const std::string& item) override;
  void Forget(const std::string& item) override;
  int NumRequeues(const std::string& item) override;

 private:
  const absl::Duration base_, max_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, int> failures_ ABSL_GUARDED_BY(mu_);
};

class BucketRateLimiter final : public RateLimiter {
 public:
  BucketRateLimiter(Clock& clock, double qps, int burst);
  absl::Duration When(const std::string& item) override;
  // Takes a token if one is there now (false otherwise; nothing is
  // reserved): for callers that skip what they may not do yet and retry later.
  bool TryTake();
  void Forget(const std::string&) override {}
  int NumRequeues(const std::string&) override { return 0; }

 private:
  Clock& clock_;
  const double qps_;
  const int burst_;
  absl::Mutex mu_;
  // Refills the bucket up to now.
  void Refill() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Tokens may go negative (When): each is a reservation of a future slot.
  double tokens_ ABSL_GUARDED_BY(mu_);
  absl::Time last_ ABSL_GUARDED_BY(mu_);
};

class MaxOfRateLimiter final : public RateLimiter {
 public:
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters)
      : limiters_(std::move(limiters)) {}
  absl::Duration When(const std::string& item) override;
  void Forget(const std::string& item) override;
  int NumRequeues(const std::string& item) override;

 private:
  const std::vector<std::unique_ptr<RateLimiter>> limiters_;
};

std::unique_ptr<RateLimiter> DefaultControllerRateLimiter(Clock& clock);

}  // namespace ordo::workqueue
