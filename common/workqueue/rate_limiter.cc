#include "common/workqueue/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace ordo::workqueue {

absl::Duration ItemExponentialRateLimiter::When(const std::string& item) {
  absl::MutexLock lock(&mu_);
  int failures = failures_[item]++;
  // base * 2^failures, computed in floating point so large counts cannot overflow.
  double seconds = absl::ToDoubleSeconds(base_) * std::pow(2.0, failures);
  if (seconds >= absl::ToDoubleSeconds(max_)) return max_;
  return absl::Seconds(seconds);
}

void ItemExponentialRateLimiter::Forget(const std::string& item) {
  absl::MutexLock lock(&mu_);
  failures_.erase(item);
}

int ItemExponentialRateLimiter::NumRequeues(const std::string& item) {
  absl::MutexLock lock(&mu_);
  auto it = failures_.find(item);
  return it == failures_.end() ? 0 : it->second;
}

BucketRateLimiter::BucketRateLimiter(Clock& clock, double qps, int burst)
    : clock_(clock), qps_(qps), burst_(burst), tokens_(burst), last_(clock.Now()) {}

void BucketRateLimiter::Refill() {
  absl::Time now = clock_.Now();
  tokens_ = std::min<double>(burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * qps_);
  last_ = now;
}

bool BucketRateLimiter::TryTake() {
  absl::MutexLock lock(&mu_);
  Refill();
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

absl::Duration BucketRateLimiter::When(const std::string&) {
  absl::MutexLock lock(&mu_);
  Refill();
  tokens_ -= 1;
  if (tokens_ >= 0) return absl::ZeroDuration();
  return absl::Seconds(-tokens_ / qps_);
}

absl::Duration MaxOfRateLimiter::When(const std::string& item) {
  absl::Duration longest = absl::ZeroDuration();
  for (const auto& l : limiters_) longest = std::max(longest, l->When(item));
  return longest;
}

void MaxOfRateLimiter::Forget(const std::string& item) {
  for (const auto& l : limiters_) l->Forget(item);
}

int MaxOfRateLimiter::NumRequeues(const std::string& item) {
  int most = 0;
  for (const auto& l : limiters_) most = std::max(most, l->NumRequeues(item));
  return most;
}

std::unique_ptr<RateLimiter> DefaultControllerRateLimiter(Clock& clock) {
  std::vector<std::unique_ptr<RateLimiter>> limiters;
  limiters.push_back(
      std::make_unique<ItemExponentialRateLimiter>(absl::Milliseconds(5), absl::Seconds(1000)));
  limiters.push_back(std::make_unique<BucketRateLimiter>(clock, 10, 100));
  return std::make_unique<MaxOfRateLimiter>(std::move(limiters));
}

}  // namespace ordo::workqueue
