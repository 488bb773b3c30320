#include "common/workqueue/queue_metrics.h"

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace ordo::workqueue {
namespace {

absl::Mutex provider_mu(absl::kConstInit);
QueueMetricsProvider* provider ABSL_GUARDED_BY(provider_mu) = nullptr;

}  // namespace

void SetQueueMetricsProvider(QueueMetricsProvider next) {
  absl::MutexLock lock(&provider_mu);
  delete provider;
  provider = next ? new QueueMetricsProvider(std::move(next)) : nullptr;
}

std::unique_ptr<QueueMetrics> NewQueueMetrics(const std::string& name) {
  absl::MutexLock lock(&provider_mu);
  return provider == nullptr ? nullptr : (*provider)(name);
}

}  // namespace ordo::workqueue
