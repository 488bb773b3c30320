// Prober runs the startup, liveness and readiness probes of running containers
// (exec, httpGet, tcpSocket), the kubelet's way: startup first, and until it
// succeeds the other two wait; each probe every periodSeconds after
// initialDelaySeconds, with timeoutSeconds, and its result flips only after
// successThreshold successes or failureThreshold failures in a row. One thread
// per probed container. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/clock/clock.h"
#include "ordo/core/v1/core.pb.h"
#include "services/kubelet-agent/agent_metrics.h"
#include "services/kubelet-agent/container_runtime.h"

namespace ordo::kubelet {

struct ProbeOutcome {
  bool success = false;
  std::string message;
};

// Runs one probe once against a container whose pod has `pod_ip`.
ProbeOutcome RunProbe(const core::v1::Probe& probe, const core::v1::Container& container,
                      const std::string& pod_ip, const ContainerHandle& handle,
                      ContainerRuntime& runtime);

struct ProbeResults {
  bool started = true;  // the startup probe passed (or there is none)
  bool ready = true;    // the readiness probe passes (or there is none)
  bool live = true;     // the liveness probe has not failed failureThreshold times
  std::string message;  // the last failure, for events and status
};

class Prober {
 public:
  // `on_change` is called (from a probe thread) whenever a result flips;
  // every probe run is counted in `metrics`.
  Prober(ContainerRuntime& runtime, Clock& clock, AgentMetrics& metrics,
         std::function<void()> on_change);
  ~Prober();

  // (Re)starts probing one run of a container; earlier results are dropped.
  void Start(const std::string& pod_uid, const core::v1::Container& container,
             const std::string& pod_ip, const ContainerHandle& handle);
  void Stop(const std::string& pod_uid, const std::string& container);
  void StopPod(const std::string& pod_uid);
  // The container's current results; the defaults for a container not probed.
  ProbeResults Get(const std::string& pod_uid, const std::string& container);

 private:
  struct Worker;
  void Run(Worker& worker);
  static std::string Key(const std::string& uid, const std::string& name) {
    return uid + "/" + name;
  }

  ContainerRuntime& runtime_;
  AgentMetrics& metrics_;
  Clock& clock_;
  const std::function<void()> on_change_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Worker>> workers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ordo::kubelet
