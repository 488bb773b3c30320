// DefaultStatefulSetControl moves one StatefulSet one step towards its spec,
// as Kubernetes' defaultStatefulSetControl does (reference §2.3–§2.12), and
// writes its status:
//   revisions  the update revision from the template (created, or an older
//              equal one renumbered: a rollback), the current one from status;
//   split      pods with ordinals in [start, start+replicas) are replicas,
//              the rest condemned (highest ordinal first); a missing replica
//              is a placeholder at the revision its index calls for;
//   A          each replica in index order: delete finished pods, create
//              missing ones (claims first, owned per the retention policy;
//              never while an earlier incarnation's claim awaits collection),
//              wait for each to be Running,
//              Ready and Available (OrderedReady), fix identity and storage;
//   B          give condemned pods' claims the owners the retention policy
//              asks for (whenScaled=Delete: the pod), before any pod goes;
//   C          delete condemned pods, highest ordinal first;
//   D          RollingUpdate: delete pods of old revisions from the highest
//              index down to the partition, at most maxUnavailable at once.
// OrderedReady stops at the first step that must wait; Parallel runs phase A
// and C over every pod in slow-start batches (1, 2, 4, ... 500).
// Where ordo differs from Kubernetes (reference §5): an unavailable pod of an
// old revision whose index is due an update is replaced instead of blocking
// (rollouts heal when the template is fixed); Parallel does not count such
// pods against maxUnavailable; a rollout completes (currentRevision advances,
// under OnDelete too) only when every replica is updated, Ready and
// Available; the status carries terminatingReplicas and the conditions
// Available and Progressing (which names a claim a pod waits on), and
// PodStuckOnUnreachableNode naming pods held by a node that is not Ready and
// the three ways to release them (reference §5 row 5).
// Thread-safety: Sync may run for different sets at once; one set's Sync is
// never run twice at once (the work queue sees to that).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "common/clock/clock.h"
#include "common/events/event_recorder.h"
#include "common/informer/indexer.h"
#include "services/controller-manager/statefulset/revision_history.h"
#include "services/controller-manager/statefulset/stateful_pod_control.h"
#include "services/controller-manager/statefulset/writers.h"

namespace ordo::statefulset {

// The controller's seam (client-go's StatefulSetControlInterface): the
// controller claims a set's pods and revisions and hands them here.
class StatefulSetControl {
 public:
  virtual ~StatefulSetControl() = default;

  // `pods` are the pods the set owns; `revisions` the revisions it owns.
  // Returns how soon the set must be looked at again without any event
  // (a pod becoming available after minReadySeconds), or InfiniteDuration.
  virtual absl::StatusOr<absl::Duration> Sync(const apps::v1::StatefulSet& set,
                                              const std::vector<PodPtr>& pods,
                                              std::vector<RevisionPtr> revisions) = 0;
};

class DefaultStatefulSetControl final : public StatefulSetControl {
 public:
  DefaultStatefulSetControl(StatefulSetClients clients, events::EventRecorder& events, Clock& clock,
                            informer::Lister<core::v1::PersistentVolumeClaim> claims,
                            std::optional<informer::Lister<core::v1::Node>> nodes = std::nullopt)
      : sets_(clients.sets),
        clock_(clock),
        pods_(clients.pods, events, claims),
        history_(clients.revisions),
        nodes_(nodes) {}

  absl::StatusOr<absl::Duration> Sync(const apps::v1::StatefulSet& set,
                                      const std::vector<PodPtr>& pods,
                                      std::vector<RevisionPtr> revisions) override;

 private:
  class Step;

  StatusUpdater& sets_;
  Clock& clock_;
  StatefulPodControl pods_;
  RevisionHistory history_;
  const std::optional<informer::Lister<core::v1::Node>> nodes_;
};

}  // namespace ordo::statefulset
