#include "services/controller-manager/statefulset/revision_history.h"

#include <algorithm>

#include "services/controller-manager/statefulset/pod_identity.h"
#include "services/controller-manager/statefulset/revisions.h"

namespace ordo::statefulset {

using apps::v1::StatefulSet;

absl::StatusOr<RevisionPtr> RevisionHistory::CreateUnique(const StatefulSet& set, int64_t number,
                                                          int32_t& collision_count) {
  for (;;) {
    ControllerRevision candidate = NewRevision(set, number, collision_count);
    auto created = writer_.CreateRevision(candidate);
    if (created.ok()) return std::make_shared<const ControllerRevision>(std::move(*created));
    if (!absl::IsAlreadyExists(created.status())) return created.status();
    auto existing =
        writer_.GetRevision(candidate.metadata().namespace_(), candidate.metadata().name());
    if (!existing.ok()) return existing.status();
    if (EqualRevision(*existing, candidate)) {
      return std::make_shared<const ControllerRevision>(std::move(*existing));
    }
    ++collision_count;  // a different revision holds the name: rehash
  }
}

absl::StatusOr<RevisionHistory::Revisions> RevisionHistory::Resolve(
    const StatefulSet& set, std::vector<RevisionPtr>& revisions) {
  SortRevisions(revisions);
  Revisions out;
  out.collision_count = set.status().collision_count();
  int64_t next = revisions.empty() ? 1 : revisions.back()->revision() + 1;
  ControllerRevision candidate = NewRevision(set, next, out.collision_count);
  RevisionPtr equal;
  for (const auto& r : revisions) {
    if (EqualRevision(*r, candidate)) equal = r;
  }
  if (equal != nullptr && equal == revisions.back()) {
    out.update = equal;
  } else if (equal != nullptr) {
    // A rollback: the older equal revision becomes the newest.
    ControllerRevision renumbered = *equal;
    renumbered.set_revision(next);
    auto updated = writer_.UpdateRevision(renumbered);
    if (!updated.ok()) return updated.status();
    out.update = std::make_shared<const ControllerRevision>(std::move(*updated));
    std::replace(revisions.begin(), revisions.end(), equal, out.update);
  } else {
    auto created = CreateUnique(set, next, out.collision_count);
    if (!created.ok()) return created.status();
    out.update = *created;
    revisions.push_back(out.update);
  }
  for (const auto& r : revisions) {
    if (r->metadata().name() == set.status().current_revision()) out.current = r;
  }
  if (out.current == nullptr) out.current = out.update;
  return out;
}

absl::Status RevisionHistory::Truncate(const StatefulSet& set,
                                       const std::vector<RevisionPtr>& revisions,
                                       absl::flat_hash_set<std::string> in_use,
                                       const std::vector<PodPtr>& pods) {
  if (!set.spec().has_revision_history_limit()) return absl::OkStatus();
  int limit = set.spec().revision_history_limit();
  if (limit < 0) return absl::OkStatus();
  for (const auto& pod : pods) in_use.insert(RevisionOf(*pod));
  std::vector<RevisionPtr> history;
  for (const auto& r : revisions) {
    if (!in_use.contains(r->metadata().name())) history.push_back(r);
  }
  // `revisions` is sorted oldest first: delete from the front.
  for (size_t i = 0; i + limit < history.size(); ++i) {
    absl::Status s =
        writer_.DeleteRevision(history[i]->metadata().namespace_(), history[i]->metadata().name());
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace ordo::statefulset
