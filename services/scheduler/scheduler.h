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
// Thread-safety: construct, then Run once; bound() from any thread.
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
#include "common/api/resource_client.h"
#include "common/clock/clock.h"
#include "common/informer/shared_informer_factory.h"
#include "common/workqueue/work_queue.h"
#include "services/scheduler/node_info.h"
#include "services/scheduler/predicates.h"

namespace ordo::scheduler {

struct SchedulerOptions {
  std::string name = "default-scheduler";
  int binders = 32;
};

class Scheduler {
 public:
  Scheduler(std::shared_ptr<grpc::Channel> channel, Clock& clock, SchedulerOptions options = {});
  ~Scheduler();

  // Runs informers, the scheduling loop and the binders until `stop`.
  void Run(std::stop_token stop);
  // Pods bound so far.
  int64_t bound() const { return bound_.load(); }

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
  void BindLoop();
  void ReportUnschedulable(const core::v1::Pod& pod, const std::string& message);

  std::shared_ptr<grpc::Channel> channel_;
  Clock& clock_;
  const SchedulerOptions options_;
  api::ResourceClient<core::v1::Pod> pods_;
  api::ResourceClient<core::v1::PersistentVolumeClaim> claims_;
  informer::SharedInformerFactory informers_;
  // Pods come last, so their informer starts after the others.
  informer::SharedInformer<core::v1::Node>& node_informer_;
  informer::SharedInformer<core::v1::PersistentVolumeClaim>& claim_informer_;
  informer::SharedInformer<core::v1::PersistentVolume>& volume_informer_;
  informer::SharedInformer<storage::v1::StorageClass>& class_informer_;
  informer::SharedInformer<core::v1::Pod>& pod_informer_;
  workqueue::WorkQueue queue_;
  std::atomic<int64_t> bound_{0};

  absl::Mutex mu_;
  // node_hash_map: NodeInfo addresses stay put, so node_order_ can hold them.
  absl::node_hash_map<std::string, NodeInfo> nodes_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<std::string, NodeInfo*>> node_order_ ABSL_GUARDED_BY(mu_);
  bool node_order_stale_ ABSL_GUARDED_BY(mu_) = true;
  size_t next_start_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, Placement> placed_ ABSL_GUARDED_BY(mu_);  // by pod key
  absl::flat_hash_set<std::string> unschedulable_ ABSL_GUARDED_BY(mu_);

  struct BindTask {
    std::string key, ns, name, uid, node;
    std::vector<std::string> claims_to_select;
  };
  absl::Mutex bind_mu_;
  std::deque<BindTask> binds_ ABSL_GUARDED_BY(bind_mu_);
  bool stopping_ ABSL_GUARDED_BY(bind_mu_) = false;
};

// How many feasible nodes to find before scoring, out of `nodes`
// (Kubernetes' adaptive percentageOfNodesToScore, at least 100).
int NodesToFind(int nodes);

}  // namespace ordo::scheduler
