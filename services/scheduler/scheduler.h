// Scheduler places unscheduled pods on nodes, the kube-scheduler's way: pods
// whose spec.schedulerName is ours (or empty) and that have no node wait in a
// queue; one scheduling thread filters nodes (predicates.h), scores the
// feasible ones (a pod whose claims are bound goes only where their volumes'
// node affinity allows; an unbound claim of a WaitForFirstConsumer class is
// marked with the chosen node, for the provisioner, before the pod is bound;
// an unbound claim of any other class keeps the pod waiting) and assumes the best (its requests
// count against the node at once), and a pool of binders makes each choice durable through the Bind
// call, so scheduling never waits on the store. A failed bind forgets the
// assumption and retries with back-off. A pod that fits nowhere gets
// PodScheduled=False (reason Unschedulable, Kubernetes' message) and waits
// until a node changes or a pod goes away. Like Kubernetes, it stops looking
// once it has found enough feasible nodes in a large cluster
// (percentageOfNodesToScore), starting each search where the last one ended.
// It reads the cluster through listers and writes through a SchedulerClient,
// both injected: main wires informers and the real client; tests drive
// ScheduleNext and BindNext over fakes.
// Thread-safety: handlers on the informers' threads; Run once, or (tests)
// ScheduleNext/BindNext from one thread; bound() from any thread.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/clock/clock.h"
#include "common/events/event_recorder.h"
#include "common/informer/indexer.h"
#include "common/informer/shared_informer.h"
#include "common/workqueue/work_queue.h"
#include "services/scheduler/node_info.h"
#include "services/scheduler/predicates.h"
#include "services/scheduler/scheduler_client.h"
#include "services/scheduler/scheduler_metrics.h"

namespace ordo::scheduler {

struct SchedulerOptions {
  std::string name = "default-scheduler";
  int binders = 32;
  // Where the scheduler's metrics go (null: a registry of its own).
  std::shared_ptr<prometheus::Registry> metrics;
  // Where Scheduled and FailedScheduling events go (null: nowhere).
  events::EventRecorder* events = nullptr;
};

// What the scheduler reads. Nodes come through NodeHandler only.
struct SchedulerListers {
  informer::Lister<core::v1::Pod> pods;
  informer::Lister<core::v1::PersistentVolumeClaim> claims;
  informer::Lister<core::v1::PersistentVolume> volumes;
  informer::Lister<storage::v1::StorageClass> classes;
};

class Scheduler {
 public:
  Scheduler(SchedulerListers listers, SchedulerClient& client, Clock& clock,
            SchedulerOptions options = {});
  ~Scheduler();

  // For the informers: pods to place (and placed pods, which use up their
  // nodes), nodes, and the kinds whose change may let a waiting pod fit
  // (claims, volumes, classes).
  informer::EventHandler<core::v1::Pod> PodHandler();
  informer::EventHandler<core::v1::Node> NodeHandler();
  template <typename T>
  informer::EventHandler<T> RetryHandler() {
    return {.on_add = [this](const auto&) { RetryUnschedulable(); },
            .on_update = [this](const auto&, const auto&) { RetryUnschedulable(); },
            .on_delete = nullptr};
  }

  // Runs the scheduling loop and the binders until `stop`.
  void Run(std::stop_token stop);
  // Pods bound so far.
  int64_t bound() const { return bound_.load(); }

  // One step of the scheduling loop, for tests: schedules the next ready
  // pod; false when none is ready.
  bool ScheduleNext();
  // One bind, for tests: makes the oldest pending choice durable; false when
  // none is pending.
  bool BindNext();
  workqueue::WorkQueue& queue() { return queue_; }

 private:
  struct Placement {
    std::string node;
    Resources requests;
    std::string owner;
  };

  void OnPod(const informer::ObjectPtr<core::v1::Pod>& pod);
  void OnPodDeleted(const informer::ObjectPtr<core::v1::Pod>& pod);
  void OnNode(const informer::ObjectPtr<core::v1::Node>& node);
  void OnNodeDeleted(const informer::ObjectPtr<core::v1::Node>& node);
  void RetryUnschedulable() ABSL_LOCKS_EXCLUDED(mu_);

  void Place(const std::string& key, const std::string& node, const core::v1::Pod& pod)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Unplace(const std::string& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  void ScheduleOne(const std::string& key);
  // What the pod's claims say about where it may go.
  struct PodClaims {
    VolumeAffinities bound;              // volumes of bound claims: their node affinity holds
    std::vector<std::string> to_select;  // unbound claims of WaitForFirstConsumer classes
    std::string problem;                 // why no node will do (a claim missing, unbound, ...)
  };
  PodClaims ClaimsOf(const core::v1::Pod& pod);
  // Marks each claim with the chosen node, for the provisioner.
  absl::Status SelectNode(const std::string& ns, const std::vector<std::string>& claims,
                          const std::string& node);
  struct BindTask {
    std::string key, ns, name, uid, node;
    std::vector<std::string> claims_to_select;
  };
  void BindLoop();
  void Bind(BindTask task);
  void ReportUnschedulable(const core::v1::Pod& pod, const std::string& message);
  void ReportPending() ABSL_LOCKS_EXCLUDED(mu_);

  const SchedulerListers listers_;
  SchedulerClient& client_;
  Clock& clock_;
  const SchedulerOptions options_;
  workqueue::WorkQueue queue_;
  std::atomic<int64_t> bound_{0};
  std::shared_ptr<prometheus::Registry> metrics_registry_;
  SchedulerMetrics metrics_;

  absl::Mutex mu_;
  // node_hash_map: NodeInfo addresses stay put, so node_order_ can hold them.
  absl::node_hash_map<std::string, NodeInfo> nodes_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<std::string, NodeInfo*>> node_order_ ABSL_GUARDED_BY(mu_);
  bool node_order_stale_ ABSL_GUARDED_BY(mu_) = true;
  size_t next_start_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, Placement> placed_ ABSL_GUARDED_BY(mu_);  // by pod key
  absl::flat_hash_set<std::string> unschedulable_ ABSL_GUARDED_BY(mu_);
  // When each pod not yet bound was first tried (for the scheduling duration).
  absl::flat_hash_map<std::string, absl::Time> first_attempt_ ABSL_GUARDED_BY(mu_);

  absl::Mutex bind_mu_;
  std::deque<BindTask> binds_ ABSL_GUARDED_BY(bind_mu_);
  bool stopping_ ABSL_GUARDED_BY(bind_mu_) = false;
};

// How many feasible nodes to find before scoring, out of `nodes`
// (Kubernetes' adaptive percentageOfNodesToScore, at least 100).
int NodesToFind(int nodes);

}  // namespace ordo::scheduler
