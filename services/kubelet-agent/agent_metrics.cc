#include "services/kubelet-agent/agent_metrics.h"

#include "absl/time/time.h"

namespace ordo::kubelet {
namespace {

// The kubelet's pod start buckets, in seconds.
prometheus::Histogram::BucketBoundaries PodStartBuckets() {
  return {0.5, 1,   2,   3,   4,   5,   6,   8,   10,   20,   30,   45,  60,
          120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600};
}

}  // namespace

AgentMetrics::AgentMetrics(prometheus::Registry& registry)
    : probes_(prometheus::BuildCounter()
                  .Name("prober_probe_total")
                  .Help("Probes run, by type (Startup, Liveness, Readiness) and result "
                        "(successful, failed).")
                  .Register(registry)),
      running_pods_(prometheus::BuildGauge()
                        .Name("kubelet_running_pods")
                        .Help("Pods with a container running on this node.")
                        .Register(registry)
                        .Add({})),
      running_containers_(prometheus::BuildGauge()
                              .Name("kubelet_running_containers")
                              .Help("Containers on this node, by state.")
                              .Register(registry)
                              .Add({{"container_state", "running"}})),
      pod_start_(prometheus::BuildHistogram()
                     .Name("kubelet_pod_start_duration_seconds")
                     .Help("Seconds from this agent first seeing a pod to every container of it "
                           "started.")
                     .Register(registry)
                     .Add({}, PodStartBuckets())),
      restarts_(prometheus::BuildCounter()
                    .Name("ordo_kubelet_container_restarts_total")
                    .Help("Containers started again after they had run (restartCount bumps).")
                    .Register(registry)
                    .Add({})) {
  const char* types[] = {"Startup", "Liveness", "Readiness"};
  for (int t = 0; t < 3; ++t) {
    probe_counters_[t][0] = &probes_.Add({{"probe_type", types[t]}, {"result", "failed"}});
    probe_counters_[t][1] = &probes_.Add({{"probe_type", types[t]}, {"result", "successful"}});
  }
}

void AgentMetrics::ProbeRan(ProbeType type, bool success) {
  probe_counters_[static_cast<int>(type)][success ? 1 : 0]->Increment();
}

void AgentMetrics::Running(int pods, int containers) {
  running_pods_.Set(pods);
  running_containers_.Set(containers);
}

void AgentMetrics::PodStarted(absl::Duration since_first_seen) {
  pod_start_.Observe(absl::ToDoubleSeconds(since_first_seen));
}

}  // namespace ordo::kubelet
