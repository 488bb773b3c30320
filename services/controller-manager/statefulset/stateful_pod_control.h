// StatefulPodControl makes the pod and claim writes of the StatefulSet
// controller and records their events, as Kubernetes' StatefulPodControl
// (stateful_pod_control.go): a pod is created only after the claims it needs
// (reference §2.6), claims carry the owners the retention policy asks for
// (§2.12), and a claim still being deleted is never reused. Events use
// Kubernetes' reasons and messages ("create Pod web-0 in StatefulSet web
// successful"). Decisions (which pod, when) are StatefulSetControl's.
// Thread-safety: safe to call from several threads at once (Parallel's
// batches); it keeps no state of its own.
#pragma once

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "common/events/event_recorder.h"
#include "common/informer/indexer.h"
#include "services/controller-manager/statefulset/writers.h"

namespace ordo::statefulset {

class StatefulPodControl {
 public:
  StatefulPodControl(PodClaimWriter& writer, events::EventRecorder& events,
                     informer::Lister<core::v1::PersistentVolumeClaim> claims)
      : writer_(writer), events_(events), claims_(claims) {}

  // Creates the claims `pod` needs that are missing. A claim being deleted is
  // FAILED_PRECONDITION "pvc NAME is being deleted": the pod must wait.
  absl::Status CreateMissingClaims(const apps::v1::StatefulSet& set, const core::v1::Pod& pod);
  // Creates `pod`; ALREADY_EXISTS records no event.
  // REQUIRES: CreateMissingClaims(set, pod) succeeded (claims come first).
  absl::StatusOr<core::v1::Pod> CreatePod(const apps::v1::StatefulSet& set,
                                          const core::v1::Pod& pod);
  // Writes `pod` (its identity or storage restored).
  absl::StatusOr<core::v1::Pod> UpdatePod(const apps::v1::StatefulSet& set,
                                          const core::v1::Pod& pod);
  // Deletes `pod` by uid; a pod already gone is success.
  absl::Status DeletePod(const apps::v1::StatefulSet& set, const core::v1::Pod& pod);

  // Makes the claims of `pod` carry the owners the retention policy asks for
  // (the pod's, for a condemned pod under whenScaled=Delete). A claim with a
  // stale reference (this set's or pod's name, another uid) or another
  // controller is left alone (reference §2.12's safety rules).
  absl::Status UpdateClaimOwners(const apps::v1::StatefulSet& set, const core::v1::Pod& pod,
                                 bool condemned);
  // whenScaled=Delete: a claim of this pod's ordinal still owned by a pod of
  // the name (an earlier, condemned incarnation) is about to be collected; a
  // new pod must wait for it rather than adopt its data.
  bool ClaimIsStale(const apps::v1::StatefulSet& set, const core::v1::Pod& pod) const;
  // whenScaled=Delete, and a condemned pod vanished before its claims were
  // handed to it: its claims are deleted here, since nothing else would ever
  // collect them (reference §5 row 12; Kubernetes leaves them behind). Only
  // claims of ordinals out of range and not in `ordinals_with_pod`, labelled
  // by the set's selector, owned by no pod and no other controller.
  absl::Status DeleteAbandonedClaims(const apps::v1::StatefulSet& set,
                                     const absl::flat_hash_set<int>& ordinals_with_pod);

 private:
  PodClaimWriter& writer_;
  events::EventRecorder& events_;
  const informer::Lister<core::v1::PersistentVolumeClaim> claims_;
};

}  // namespace ordo::statefulset
