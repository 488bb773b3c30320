// StatefulSetController is the StatefulSet controller of reference §2.1–§2.2:
// handlers turn set, pod and revision events into set keys; Sync(key) reads
// the set from the cache, claims its pods and revisions (adopting orphans the
// selector matches, whose names parse to the set, after checking past the
// cache that the set is really there; releasing pods it owns that no longer
// match) and hands them to the injected StatefulSetControl, requeueing the set for the
// moment a pod will have been Ready for minReadySeconds.
// Thread-safety: handlers on the informers' threads, Sync on workers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/informer/indexer.h"
#include "common/informer/shared_informer.h"
#include "common/labels/selector.h"
#include "services/controller-manager/controller.h"
#include "services/controller-manager/controller_descriptor.h"
#include "services/controller-manager/statefulset/stateful_set_control.h"

namespace ordo::statefulset {

struct StatefulSetListers {
  informer::Lister<apps::v1::StatefulSet> sets;
  informer::Lister<core::v1::Pod> pods;
  informer::Lister<core::v1::PersistentVolumeClaim> claims;
  informer::Lister<apps::v1::ControllerRevision> revisions;
  // For the PodStuckOnUnreachableNode condition; without it the condition is never set.
  std::optional<informer::Lister<core::v1::Node>> nodes;
};

class StatefulSetController final : public controller::Controller {
 public:
  // `control` moves a set towards its spec; `clients` are used to adopt and
  // release pods and revisions.
  StatefulSetController(StatefulSetListers listers, StatefulSetClients clients,
                        StatefulSetControl& control, Clock& clock);

  std::string Name() const override { return "statefulset-controller"; }
  absl::Status Sync(const std::string& key) override;

  informer::EventHandler<apps::v1::StatefulSet> SetHandler();
  informer::EventHandler<core::v1::Pod> PodHandler();
  informer::EventHandler<apps::v1::ControllerRevision> RevisionHandler();

 private:
  // The set named by `meta`'s controllerRef, enqueued if it is a set of ours.
  void EnqueueController(const meta::v1::ObjectMeta& meta);
  // An orphan pod: every set in its namespace whose selector matches it.
  void EnqueueMatchingSets(const core::v1::Pod& pod);
  void OnPodChange(const PodPtr& old_pod, const PodPtr& pod);

  // The pods `set` owns after adopting and releasing (§2.2 step 4).
  absl::StatusOr<std::vector<PodPtr>> ClaimPods(const apps::v1::StatefulSet& set,
                                                const labels::LabelSelector& selector);
  absl::StatusOr<std::vector<RevisionPtr>> ClaimRevisions(const apps::v1::StatefulSet& set,
                                                          const labels::LabelSelector& selector);
  // Adoption re-reads the set past the cache: same uid, not being deleted.
  absl::Status CanAdopt(const apps::v1::StatefulSet& set);

  StatefulSetListers listers_;
  StatefulSetClients clients_;
  StatefulSetControl& control_;
};

// The controller-manager's entry for this controller (registration.cc).
controller::ControllerDescriptor StatefulSetControllerDescriptor();

}  // namespace ordo::statefulset
