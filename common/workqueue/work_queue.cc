#include "common/workqueue/work_queue.h"

namespace ordo::workqueue {

WorkQueue::WorkQueue(Clock& clock, std::unique_ptr<RateLimiter> limiter)
    : clock_(clock),
      limiter_(limiter != nullptr ? std::move(limiter) : DefaultControllerRateLimiter(clock)) {}

void WorkQueue::SetName(const std::string& name) {
  absl::MutexLock lock(&mu_);
  metrics_ = NewQueueMetrics(name);
  ReportDepthLocked();
}

void WorkQueue::ReportDepthLocked() {
  if (metrics_ != nullptr) metrics_->Depth(static_cast<int>(queue_.size()));
}

void WorkQueue::AddLocked(const std::string& item) {
  if (shutting_down_ || dirty_.contains(item)) return;
  dirty_.insert(item);
  if (metrics_ != nullptr) {
    metrics_->Added();
    added_at_.try_emplace(item, clock_.Now());
  }
  if (processing_.contains(item)) return;  // handed out again after Done
  queue_.push_back(item);
  ReportDepthLocked();
}

void WorkQueue::Add(const std::string& item) {
  absl::MutexLock lock(&mu_);
  AddLocked(item);
}

void WorkQueue::AddAfter(const std::string& item, absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  if (shutting_down_) return;
  if (delay <= absl::ZeroDuration()) {
    AddLocked(item);
    return;
  }
  absl::Time ready = clock_.Now() + delay;
  auto it = waiting_ready_.find(item);
  if (it != waiting_ready_.end() && it->second <= ready) return;  // already due sooner
  waiting_ready_[item] = ready;
  waiting_.push({ready, item});
  ++delayed_generation_;
}

void WorkQueue::AddRateLimited(const std::string& item) {
  {
    absl::MutexLock lock(&mu_);
    if (metrics_ != nullptr) metrics_->Retried();
  }
  AddAfter(item, limiter_->When(item));
}

void WorkQueue::Forget(const std::string& item) { limiter_->Forget(item); }

int WorkQueue::NumRequeues(const std::string& item) { return limiter_->NumRequeues(item); }

void WorkQueue::PromoteDueLocked() {
  absl::Time now = clock_.Now();
  while (!waiting_.empty() && waiting_.top().ready <= now) {
    Waiting w = waiting_.top();
    waiting_.pop();
    auto it = waiting_ready_.find(w.item);
    // A stale heap entry: the item was re-added with an earlier time.
    if (it == waiting_ready_.end() || it->second != w.ready) continue;
    waiting_ready_.erase(it);
    AddLocked(w.item);
  }
}

bool WorkQueue::TakeLocked(std::string* item) {
  PromoteDueLocked();
  if (queue_.empty()) return false;
  *item = std::move(queue_.front());
  queue_.pop_front();
  processing_.insert(*item);
  dirty_.erase(*item);
  if (metrics_ != nullptr) {
    const absl::Time now = clock_.Now();
    if (auto it = added_at_.find(*item); it != added_at_.end()) {
      metrics_->Waited(now - it->second);
      added_at_.erase(it);
    }
    taken_at_[*item] = now;
    ReportDepthLocked();
  }
  return true;
}

bool WorkQueue::Get(std::string* item) {
  absl::MutexLock lock(&mu_);
  while (true) {
    if (TakeLocked(item)) return true;
    if (shutting_down_) return false;
    int64_t generation = delayed_generation_;
    auto changed = [this, generation]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !queue_.empty() || shutting_down_ || delayed_generation_ != generation;
    };
    if (waiting_.empty()) {
      mu_.Await(absl::Condition(&changed));
    } else {
      clock_.AwaitWithDeadline(mu_, absl::Condition(&changed), waiting_.top().ready);
    }
  }
}

bool WorkQueue::TryGet(std::string* item) {
  absl::MutexLock lock(&mu_);
  return TakeLocked(item);
}

void WorkQueue::Done(const std::string& item) {
  absl::MutexLock lock(&mu_);
  processing_.erase(item);
  if (metrics_ != nullptr) {
    if (auto it = taken_at_.find(item); it != taken_at_.end()) {
      metrics_->Worked(clock_.Now() - it->second);
      taken_at_.erase(it);
    }
  }
  if (dirty_.contains(item)) {
    queue_.push_back(item);
    ReportDepthLocked();
  }
}

int WorkQueue::Len() {
  absl::MutexLock lock(&mu_);
  PromoteDueLocked();
  return static_cast<int>(queue_.size());
}

void WorkQueue::ShutDown() {
  absl::MutexLock lock(&mu_);
  shutting_down_ = true;
}

void WorkQueue::ShutDownWithDrain() {
  absl::MutexLock lock(&mu_);
  shutting_down_ = true;
  auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return processing_.empty(); };
  mu_.Await(absl::Condition(&drained));
}

bool WorkQueue::ShuttingDown() {
  absl::MutexLock lock(&mu_);
  return shutting_down_;
}

}  // namespace ordo::workqueue
