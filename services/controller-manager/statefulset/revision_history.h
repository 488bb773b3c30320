// RevisionHistory keeps a StatefulSet's ControllerRevisions as Kubernetes'
// defaultStatefulSetControl does (reference §2.3): it finds or makes the
// update revision for the set's template (an older equal revision is
// renumbered as the newest: a rollback; a name taken by a different revision
// bumps the collision count), picks the current one from the status, and
// deletes the oldest revisions no pod uses beyond revisionHistoryLimit.
// Thread-safety: stateless beyond its writer; safe for several sets at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "services/controller-manager/statefulset/writers.h"

namespace ordo::statefulset {

using PodPtr = std::shared_ptr<const core::v1::Pod>;
using RevisionPtr = std::shared_ptr<const apps::v1::ControllerRevision>;

class RevisionHistory {
 public:
  explicit RevisionHistory(RevisionWriter& writer) : writer_(writer) {}

  struct Revisions {
    RevisionPtr current;
    RevisionPtr update;
    int32_t collision_count = 0;
  };

  // The set's current and update revisions. `revisions` (the set's own) is
  // sorted oldest first and updated with what was created or renumbered.
  absl::StatusOr<Revisions> Resolve(const apps::v1::StatefulSet& set,
                                    std::vector<RevisionPtr>& revisions);
  // Deletes the oldest revisions beyond revisionHistoryLimit that neither
  // `in_use` (the current and update revisions' names) nor any of `pods`
  // names. REQUIRES: `revisions` sorted oldest first (as Resolve leaves it).
  absl::Status Truncate(const apps::v1::StatefulSet& set, const std::vector<RevisionPtr>& revisions,
                        absl::flat_hash_set<std::string> in_use, const std::vector<PodPtr>& pods);

 private:
  // Creates revision `number` of the set's template, rehashing while a
  // different revision holds the name.
  absl::StatusOr<RevisionPtr> CreateUnique(const apps::v1::StatefulSet& set, int64_t number,
                                           int32_t& collision_count);

  RevisionWriter& writer_;
};

}  // namespace ordo::statefulset
