#include "services/scheduler/scheduler_metrics.h"

namespace ordo::scheduler {
namespace {

prometheus::Family<prometheus::Counter>& Attempts(prometheus::Registry& registry) {
  return prometheus::BuildCounter()
      .Name("scheduler_schedule_attempts_total")
      .Help("Attempts to place a pod, by profile and result (scheduled, unschedulable, error).")
      .Register(registry);
}

prometheus::Family<prometheus::Gauge>& Pending(prometheus::Registry& registry) {
  return prometheus::BuildGauge()
      .Name("scheduler_pending_pods")
      .Help(
          "Pods waiting to be placed, by queue (active: to be tried; unschedulable: until "
          "the cluster changes).")
      .Register(registry);
}

// kube-scheduler's: 10 ms doubling to about 1.5 hours.
prometheus::Histogram::BucketBoundaries DurationBuckets() {
  prometheus::Histogram::BucketBoundaries out;
  for (double b = 0.01; out.size() < 20; b *= 2) out.push_back(b);
  return out;
}

}  // namespace

SchedulerMetrics::SchedulerMetrics(prometheus::Registry& registry, const std::string& profile)
    : scheduled(Attempts(registry).Add({{"profile", profile}, {"result", "scheduled"}})),
      unschedulable(Attempts(registry).Add({{"profile", profile}, {"result", "unschedulable"}})),
      error(Attempts(registry).Add({{"profile", profile}, {"result", "error"}})),
      scheduling_duration(prometheus::BuildHistogram()
                              .Name("scheduler_pod_scheduling_duration_seconds")
                              .Help("Seconds from a pod's first scheduling attempt to its bind.")
                              .Register(registry)
                              .Add({}, DurationBuckets())),
      active_pods(Pending(registry).Add({{"queue", "active"}})),
      unschedulable_pods(Pending(registry).Add({{"queue", "unschedulable"}})) {}

}  // namespace ordo::scheduler
