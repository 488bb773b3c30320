// StateMetrics serves, while this controller-manager leads, the series
// kube-state-metrics makes of StatefulSets, pods and claims, under its names
// and labels, so its dashboards and alerts fit: kube_statefulset_replicas,
// kube_statefulset_status_replicas{,_ready,_current,_updated,_available},
// kube_statefulset_status_{current,update}_revision{revision},
// kube_statefulset_metadata_generation,
// kube_statefulset_status_observed_generation, kube_pod_status_ready
// {condition}, kube_persistentvolumeclaim_status_phase{phase},
// kube_node_status_condition{condition,status}. They are read
// from the term's informers at scrape time; a replica that does not lead (or
// whose caches have not synced) reports none, so only one replica's series
// exist at a time.
// Thread-safety: Collect may run on any thread, concurrently with Lead/Stop.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/informer/shared_informer_factory.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/core/v1/core.pb.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace ordo::controller {

class StateMetrics final : public prometheus::Collectable {
 public:
  // A term's caches, and whether they have all listed once.
  struct Caches {
    informer::Indexer<apps::v1::StatefulSet>* sets;
    informer::Indexer<core::v1::Pod>* pods;
    informer::Indexer<core::v1::PersistentVolumeClaim>* claims;
    informer::Indexer<core::v1::Node>* nodes;
    std::function<bool()> synced;
  };
  // The caches of `informers`' four kinds (it is asked for them, so call
  // before it starts).
  static Caches CachesOf(informer::SharedInformerFactory& informers);

  // Reads from `caches` until Stop; they must outlive the Stop.
  void Lead(Caches caches);
  void Stop();

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  mutable absl::Mutex mu_;
  std::optional<Caches> caches_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ordo::controller
