// WorkQueue is client-go's rate-limited work queue for string keys
// ("namespace/name"), with its guarantees:
//   - a key is never handed to two workers at once: while it is being
//     processed (between Get and Done) it is not handed out again;
//   - repeated Adds of a waiting key merge into one;
//   - a key Added while being processed is handed out again after Done;
//   - AddAfter delays an Add (the earliest of several delays wins);
//     AddRateLimited delays by the RateLimiter's back-off; Forget resets it;
//   - ShutDown stops new Adds, lets workers drain what is queued, then makes
//     Get return false; ShutDownWithDrain also waits for in-flight keys.
// Time comes from the injected Clock, so tests drive delays with FakeClock.
// A named queue reports client-go's workqueue metrics (queue_metrics.h).
// All methods are safe to call concurrently.
#pragma once

#include <deque>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "common/clock/clock.h"
#include "common/workqueue/queue_metrics.h"
#include "common/workqueue/rate_limiter.h"

namespace ordo::workqueue {

class WorkQueue {
 public:
  // With DefaultControllerRateLimiter when `limiter` is null.
  explicit WorkQueue(Clock& clock, std::unique_ptr<RateLimiter> limiter = nullptr);
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Names the queue; from then on it reports to NewQueueMetrics(name).
  void SetName(const std::string& name);

  void Add(const std::string& item);
  void AddAfter(const std::string& item, absl::Duration delay);
  void AddRateLimited(const std::string& item);
  void Forget(const std::string& item);
  int NumRequeues(const std::string& item);

  // Blocks until a key is ready and hands it out; false once shut down and empty.
  bool Get(std::string* item);
  // Hands out a ready key without blocking; false when none is ready.
  bool TryGet(std::string* item);
  // The worker is finished with `item`.
  void Done(const std::string& item);

  // Keys ready to be handed out now.
  int Len();
  void ShutDown();
  void ShutDownWithDrain();
  bool ShuttingDown();

 private:
  struct Waiting {
    absl::Time ready;
    std::string item;
    bool operator>(const Waiting& o) const { return ready > o.ready; }
  };

  void AddLocked(const std::string& item) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Moves delayed keys whose time has come onto the queue.
  void PromoteDueLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool TakeLocked(std::string* item) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReportDepthLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Clock& clock_;
  const std::unique_ptr<RateLimiter> limiter_;

  absl::Mutex mu_;
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> dirty_ ABSL_GUARDED_BY(mu_);       // queued or to requeue
  absl::flat_hash_set<std::string> processing_ ABSL_GUARDED_BY(mu_);  // handed out, not Done
  std::priority_queue<Waiting, std::vector<Waiting>, std::greater<>> waiting_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, absl::Time> waiting_ready_ ABSL_GUARDED_BY(mu_);
  // Bumped whenever a delayed key is added, so a blocked Get rechecks its deadline.
  int64_t delayed_generation_ ABSL_GUARDED_BY(mu_) = 0;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  // Metrics, once named: when each queued key was added, each handed-out
  // key taken.
  std::unique_ptr<QueueMetrics> metrics_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, absl::Time> added_at_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, absl::Time> taken_at_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ordo::workqueue
