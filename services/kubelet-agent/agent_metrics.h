// The node agent's metrics, under the kubelet's names where it has one:
// kubelet_running_pods, kubelet_running_containers{container_state},
// kubelet_pod_start_duration_seconds (from the agent first seeing a pod to
// every container of it started, the kubelet's buckets),
// prober_probe_total{probe_type,result}, and
// ordo_kubelet_container_restarts_total. Thread-safe.
#pragma once

#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace ordo::kubelet {

enum class ProbeType { kStartup, kLiveness, kReadiness };

class AgentMetrics {
 public:
  explicit AgentMetrics(prometheus::Registry& registry);

  void ProbeRan(ProbeType type, bool success);
  void Running(int pods, int containers);
  void PodStarted(absl::Duration since_first_seen);
  void ContainerRestarted() { restarts_.Increment(); }

 private:
  prometheus::Family<prometheus::Counter>& probes_;
  prometheus::Counter* probe_counters_[3][2];  // [type][success]
  prometheus::Gauge& running_pods_;
  prometheus::Gauge& running_containers_;
  prometheus::Histogram& pod_start_;
  prometheus::Counter& restarts_;
};

}  // namespace ordo::kubelet
