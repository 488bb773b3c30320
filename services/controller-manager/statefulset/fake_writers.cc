#include "services/controller-manager/statefulset/fake_writers.h"

namespace ordo::testing {

absl::Status FakePodClaimWriter::DeleteClaim(const std::string& ns, const std::string& name,
                                             const std::string& uid) {
  absl::Status s = store_.Delete<core::v1::PersistentVolumeClaim>(ns, name, {.uid = uid});
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

absl::Status FakeRevisionWriter::DeleteRevision(const std::string& ns, const std::string& name) {
  absl::Status s = store_.Delete<apps::v1::ControllerRevision>(ns, name);
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

absl::Status FakeStatusUpdater::UpdateStatefulSetStatus(const apps::v1::StatefulSet& set) {
  apps::v1::StatefulSet update = set;
  update.mutable_metadata()->clear_resource_version();  // as ApiStatusUpdater: status only
  return store_.UpdateStatus(update).status();
}

absl::StatusOr<absl::Duration> FakeStatefulSetControl::Sync(
    const apps::v1::StatefulSet& set, const std::vector<statefulset::PodPtr>& pods,
    std::vector<statefulset::RevisionPtr> revisions) {
  Call call{informer::KeyOf(set.metadata()), {}, {}};
  for (const auto& pod : pods) call.pods.push_back(pod->metadata().name());
  for (const auto& revision : revisions) call.revisions.push_back(revision->revision());
  absl::MutexLock lock(&mu_);
  calls_.push_back(std::move(call));
  return result_;
}

std::vector<FakeStatefulSetControl::Call> FakeStatefulSetControl::TakeCalls() {
  absl::MutexLock lock(&mu_);
  return std::exchange(calls_, {});
}

void FakeStatefulSetControl::set_result(absl::StatusOr<absl::Duration> result) {
  absl::MutexLock lock(&mu_);
  result_ = std::move(result);
}

}  // namespace ordo::testing
