// QueueMetrics is what a WorkQueue reports once it has a name (client-go's
// workqueue MetricsProvider): adds, depth, how long keys wait and are
// worked on, retries. The provider is process-wide and set once at start
// (metrics/workqueue_metrics.h installs the Prometheus one); without one,
// queues report nothing.
// Thread-safety: a provider is called from any thread; a QueueMetrics is
// called under its queue's lock (so implementations need no lock of their
// own beyond what their metrics have).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"

namespace ordo::workqueue {

class QueueMetrics {
 public:
  virtual ~QueueMetrics() = default;
  virtual void Added() = 0;
  virtual void Depth(int depth) = 0;
  virtual void Waited(absl::Duration queued) = 0;
  virtual void Worked(absl::Duration working) = 0;
  virtual void Retried() = 0;
};

using QueueMetricsProvider = std::function<std::unique_ptr<QueueMetrics>(const std::string& name)>;

// Installs `provider` for queues named from now on (nullptr: none).
void SetQueueMetricsProvider(QueueMetricsProvider provider);
// The metrics of a queue called `name` (null when no provider is installed).
std::unique_ptr<QueueMetrics> NewQueueMetrics(const std::string& name);

}  // namespace ordo::workqueue
