// The scheduler's metrics under kube-scheduler's names:
// scheduler_schedule_attempts_total{profile,result} (scheduled,
// unschedulable, error), scheduler_pod_scheduling_duration_seconds (from a
// pod's first attempt to its bind, kube-scheduler's buckets) and
// scheduler_pending_pods{queue} (active: ready to be tried; unschedulable:
// waiting for the cluster to change). Thread-safe.
#pragma once

#include <string>

#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace ordo::scheduler {

struct SchedulerMetrics {
  SchedulerMetrics(prometheus::Registry& registry, const std::string& profile);

  prometheus::Counter& scheduled;
  prometheus::Counter& unschedulable;
  prometheus::Counter& error;
  prometheus::Histogram& scheduling_duration;
  prometheus::Gauge& active_pods;
  prometheus::Gauge& unschedulable_pods;
};

}  // namespace ordo::scheduler
