// client-go's workqueue metrics in Prometheus, per queue name:
// workqueue_depth, workqueue_adds_total, workqueue_queue_duration_seconds,
// workqueue_work_duration_seconds, workqueue_retries_total (same names,
// label `name`, and buckets), in DefaultRegistry(). Thread-safe.
#pragma once

#include <memory>

#include "common/workqueue/queue_metrics.h"
#include "prometheus/registry.h"

namespace ordo::metrics {

// A provider whose queues report into `registry`.
workqueue::QueueMetricsProvider WorkQueueMetricsProvider(
    std::shared_ptr<prometheus::Registry> registry);

// Installs WorkQueueMetricsProvider(DefaultRegistry()) for every queue named
// from now on (a binary's main calls it once).
void InstallWorkQueueMetrics();

}  // namespace ordo::metrics
