// PodManager runs the pods bound to one node, level-triggered: each Sync pass
// compares the pods the api-server wants here with the containers that run and
// closes the gap. It prepares each pod (IP from the PodNetwork; a directory
// with its own /etc/hosts, /etc/resolv.conf and /tmp), starts containers
// (container_launch.h says how) through the ContainerRuntime, restarts them by restartPolicy with
// exponential back-off (CrashLoopBackOff), kills a container whose liveness
// probe fails, reports phase, conditions and containerStatuses when they
// change, stops a pod past its activeDeadlineSeconds (Failed,
// DeadlineExceeded), and on deletion sends SIGTERM, then SIGKILL after the
// grace period, writes the pod's last status, then confirms the deletion. Every container start and
// end is checkpointed, so Restore() after an agent restart adopts the containers still running.
// Thread-safety: Sync, Restore and ShutdownAll from one thread; Find* from any.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "common/clock/clock.h"
#include "common/events/event_recorder.h"
#include "ordo/core/v1/core.pb.h"
#include "services/kubelet-agent/checkpoint.h"
#include "services/kubelet-agent/container_launch.h"
#include "services/kubelet-agent/container_runtime.h"
#include "services/kubelet-agent/pod_api.h"
#include "services/kubelet-agent/pod_network.h"
#include "services/kubelet-agent/pod_state.h"
#include "services/kubelet-agent/prober.h"

namespace ordo::kubelet {

// Where one container's logs and process are, for the logs and exec calls.
struct ContainerLocation {
  ContainerHandle handle;  // pid 0 when not running
  std::string log_path;
  std::string previous_log_path;  // empty before the first restart
};

class PodManager {
 public:
  // Metrics go to `metrics` (null: a registry of its own); the kubelet's
  // events about pods (Started, Killing, BackOff, Unhealthy, Failed) to
  // `events` (null: nowhere).
  PodManager(AgentConfig config, ContainerRuntime& runtime, PodNetwork& network,
             PodCheckpoint& checkpoint, PodApi& api, Clock& clock,
             std::shared_ptr<prometheus::Registry> metrics = nullptr,
             events::EventRecorder* events = nullptr);
  ~PodManager();

  // Adopts the pods in the checkpoint: running containers keep running.
  absl::Status Restore();
  // One pass. `desired`: the pods bound to this node as last seen; `complete`:
  // whether that list is whole (the informer has synced), so a pod missing from
  // it has really gone.
  void Sync(const std::vector<PodPtr>& desired, bool complete);
  // Stops every container (SIGTERM, SIGKILL after at most `grace`) and forgets
  // every pod; returns how many containers were running. Later Syncs do
  // nothing: the node is shutting down.
  int ShutdownAll(absl::Duration grace);

  // For logs and exec. NOT_FOUND names what is missing; an empty `container`
  // means the pod's only (or first) container. With a `uid`, only that pod
  // (terminating or not); without, the pod of that name that is not
  // terminating, the one with a running container first.
  absl::StatusOr<ContainerLocation> FindContainer(const std::string& ns, const std::string& pod,
                                                  const std::string& container,
                                                  const std::string& uid = "");
  // Wakes whoever waits in WaitForChange (a probe flipped, a pod changed).
  void Poke();
  // Waits until Poke() or `deadline`.
  void WaitForChange(absl::Time deadline);

 private:
  void SyncPod(PodState& state, const PodPtr& pod);
  absl::Status PreparePod(PodState& state, const core::v1::Pod& pod);
  void SyncContainer(PodState& state, const core::v1::Pod& pod, const core::v1::Container& spec,
                     ContainerState& c);
  absl::Status StartContainer(PodState& state, const core::v1::Pod& pod,
                              const core::v1::Container& spec, ContainerState& c);
  // Past spec.activeDeadlineSeconds: marks the pod failed (DeadlineExceeded).
  void EnforceActiveDeadline(PodState& state, const core::v1::Pod& pod);
  // Sends SIGTERM to every container the first time; SIGKILL follows at
  // `kill_at` (a later, earlier `kill_at` brings it forward).
  void RequestStop(PodState& state, absl::Time kill_at);
  // Whether every container has stopped (their exits recorded); kills those
  // past kill_at.
  bool ContainersStopped(PodState& state);
  // The pod's deletionGracePeriodSeconds, else terminationGracePeriodSeconds.
  static int64_t GracePeriodSeconds(const PodState& state);
  // Returns true once every container has stopped and the pod is forgotten.
  bool Terminate(PodState& state, bool still_in_api);
  // Writes the status of a pod whose containers stopped for its deletion.
  absl::Status ReportFinalStatus(PodState& state);
  bool ClaimUsedByOtherPod(const PodState& state, const std::string& claim);
  void ReportStatus(PodState& state, const core::v1::Pod& pod);
  void Save(const PodState& state);
  // Sets the running pods and containers gauges.
  void ReportRunning();
  // Records an event about the pod of `state`.
  void Event(const PodState& state, const char* type, const std::string& reason,
             const std::string& message);
  std::string PodDir(const std::string& uid) const;

  const AgentConfig config_;
  ContainerRuntime& runtime_;
  PodNetwork& network_;
  PodCheckpoint& checkpoint_;
  PodApi& api_;
  Clock& clock_;
  const std::shared_ptr<prometheus::Registry> metrics_registry_;
  AgentMetrics metrics_;
  events::EventRecorder* const events_;
  std::unique_ptr<Prober> prober_;

  absl::Mutex mu_;  // guards pods_ against Find* from gRPC threads
  std::map<std::string, std::unique_ptr<PodState>> pods_ ABSL_GUARDED_BY(mu_);  // by uid
  bool shut_down_ = false;  // ShutdownAll and Sync run on one thread at a time
  // Pods whose deletion this agent confirmed (a finalizer may keep them a
  // while); Sync's thread only.
  absl::flat_hash_set<std::string> confirmed_;
  absl::Mutex wake_mu_;
  bool poked_ ABSL_GUARDED_BY(wake_mu_) = false;
};

}  // namespace ordo::kubelet
