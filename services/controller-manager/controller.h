// Controller is the client-go shape every ordo controller takes: informer
// handlers enqueue "namespace/name" keys on the controller's WorkQueue, and
// workers hand each key to Sync, which reads the world from listers and
// writes what differs: level-triggered and idempotent, so running it twice is
// harmless. A Sync error requeues the key with the queue's back-off; success
// forgets its failures. The queue never gives one key to two workers at once.
// Thread-safety: Sync may run on several workers at once for different keys.
#pragma once

#include <stop_token>
#include <string>

#include "absl/status/status.h"
#include "common/workqueue/work_queue.h"

namespace ordo::controller {

class Controller {
 public:
  explicit Controller(Clock& clock) : queue_(clock) {}
  virtual ~Controller() = default;
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  virtual std::string Name() const = 0;
  virtual absl::Status Sync(const std::string& key) = 0;

  workqueue::WorkQueue& queue() { return queue_; }

 private:
  workqueue::WorkQueue queue_;
};

// Takes one key from the queue (blocking), syncs it and settles it with the
// queue. False once the queue has shut down.
bool ProcessNextKey(Controller& controller);

// Names the queue after the controller (its workqueue_* metrics), runs
// `workers` threads of ProcessNextKey until `stop`, then shuts the queue down
// and joins them.
void RunWorkers(Controller& controller, int workers, std::stop_token stop);

}  // namespace ordo::controller
