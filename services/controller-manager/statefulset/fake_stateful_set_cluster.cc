#include "services/controller-manager/statefulset/fake_object_writer.h"

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "common/clock/timestamp.h"

namespace ordo::testing {

using apps::v1::ControllerRevision;
using apps::v1::StatefulSet;
using core::v1::Pod;

namespace {
template <typename T>
std::string Key(const T& obj) {
  return informer::KeyOf(obj.metadata());
}
std::string Key(const std::string& ns, const std::string& name) { return ns + "/" + name; }
}  // namespace

void FakeObjectWriter::Stamp(meta::v1::ObjectMeta& meta, bool created) {
  absl::MutexLock lock(&mu_);
  int64_t version = next_version_++;
  meta.set_resource_version(absl::StrCat(version));
  if (created) {
    meta.set_uid(absl::StrCat("uid-", version));
    SetTimestamp(meta.mutable_creation_timestamp(), clock_.Now());
  }
}

void FakeObjectWriter::Log(std::string action) {
  absl::MutexLock lock(&mu_);
  actions_.push_back(std::move(action));
}

std::vector<std::string> FakeObjectWriter::TakeActions() {
  absl::MutexLock lock(&mu_);
  return std::exchange(actions_, {});
}

StatefulSet FakeObjectWriter::PutSet(StatefulSet set) {
  auto old = sets.Get(Key(set));
  if (old == nullptr) {
    if (set.metadata().namespace_().empty()) set.mutable_metadata()->set_namespace_("default");
    Stamp(*set.mutable_metadata(), true);
    set.mutable_metadata()->set_generation(1);
  } else {
    *set.mutable_metadata() = old->metadata();
    *set.mutable_status() = old->status();
    bool changed = !google::protobuf::util::MessageDifferencer::Equals(set.spec(), old->spec());
    if (changed) set.mutable_metadata()->set_generation(old->metadata().generation() + 1);
    Stamp(*set.mutable_metadata(), false);
  }
  sets.Upsert(std::make_shared<const StatefulSet>(set));
  return set;
}

StatefulSet FakeObjectWriter::GetSet(const std::string& name, const std::string& ns) {
  auto set = sets.Get(Key(ns, name));
  return set == nullptr ? StatefulSet() : *set;
}

Pod FakeObjectWriter::GetPod(const std::string& name, const std::string& ns) {
  auto pod = pods.Get(Key(ns, name));
  return pod == nullptr ? Pod() : *pod;
}

bool FakeObjectWriter::HasPod(const std::string& name, const std::string& ns) {
  return pods.Get(Key(ns, name)) != nullptr;
}

void FakeObjectWriter::PutPod(Pod pod) {
  if (pod.metadata().namespace_().empty()) pod.mutable_metadata()->set_namespace_("default");
  Stamp(*pod.mutable_metadata(), pod.metadata().uid().empty());
  if (pod.status().phase().empty()) pod.mutable_status()->set_phase("Pending");
  pods.Upsert(std::make_shared<const Pod>(std::move(pod)));
}

void FakeObjectWriter::SetReady(const std::string& name, bool ready, const std::string& ns) {
  Pod pod = GetPod(name, ns);
  pod.mutable_status()->set_phase("Running");
  core::v1::PodCondition* condition = nullptr;
  for (auto& c : *pod.mutable_status()->mutable_conditions()) {
    if (c.type() == "Ready") condition = &c;
  }
  if (condition == nullptr) {
    condition = pod.mutable_status()->add_conditions();
    condition->set_type("Ready");
  }
  std::string status = ready ? "True" : "False";
  if (condition->status() != status) {
    condition->set_status(status);
    SetTimestamp(condition->mutable_last_transition_time(), clock_.Now());
  }
  Stamp(*pod.mutable_metadata(), false);
  pods.Upsert(std::make_shared<const Pod>(std::move(pod)));
}

void FakeObjectWriter::SetPhase(const std::string& name, const std::string& phase,
                                const std::string& ns) {
  Pod pod = GetPod(name, ns);
  pod.mutable_status()->set_phase(phase);
  Stamp(*pod.mutable_metadata(), false);
  pods.Upsert(std::make_shared<const Pod>(std::move(pod)));
}

void FakeObjectWriter::FinishTerminating() {
  for (const auto& pod : pods.List()) {
    if (pod->metadata().has_deletion_timestamp()) pods.Remove(Key(*pod));
  }
}

void FakeObjectWriter::UserDeletePod(const std::string& name, const std::string& ns) {
  Pod pod = GetPod(name, ns);
  SetTimestamp(pod.mutable_metadata()->mutable_deletion_timestamp(), clock_.Now());
  Stamp(*pod.mutable_metadata(), false);
  pods.Upsert(std::make_shared<const Pod>(std::move(pod)));
}

absl::StatusOr<Pod> FakeObjectWriter::CreatePod(const Pod& pod) {
  if (pods.Get(Key(pod)) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat("pods \"", pod.metadata().name(), "\" already exists"));
  }
  Pod created = pod;
  Stamp(*created.mutable_metadata(), true);
  created.mutable_status()->set_phase("Pending");
  pods.Upsert(std::make_shared<const Pod>(created));
  Log("create pod " + pod.metadata().name());
  return created;
}

absl::StatusOr<Pod> FakeObjectWriter::UpdatePod(const Pod& pod) {
  auto old = pods.Get(Key(pod));
  if (old == nullptr) return absl::NotFoundError("pod not found");
  if (!pod.metadata().resource_version().empty() &&
      pod.metadata().resource_version() != old->metadata().resource_version()) {
    return absl::AbortedError("the object has been modified");
  }
  Pod updated = pod;
  Stamp(*updated.mutable_metadata(), false);
  pods.Upsert(std::make_shared<const Pod>(updated));
  Log("update pod " + pod.metadata().name());
  return updated;
}

absl::Status FakeObjectWriter::DeletePod(const std::string& ns, const std::string& name,
                                         const std::string& uid) {
  auto old = pods.Get(Key(ns, name));
  if (old == nullptr) return absl::NotFoundError("pod not found");
  if (old->metadata().uid() != uid) return absl::AbortedError("uid precondition failed");
  Log("delete pod " + name);
  const std::string& phase = old->status().phase();
  if (phase == "Failed" || phase == "Succeeded") {
    pods.Remove(Key(ns, name));  // finished pods go at once
    return absl::OkStatus();
  }
  Pod deleted = *old;
  if (!deleted.metadata().has_deletion_timestamp()) {
    SetTimestamp(deleted.mutable_metadata()->mutable_deletion_timestamp(), clock_.Now());
  }
  Stamp(*deleted.mutable_metadata(), false);
  pods.Upsert(std::make_shared<const Pod>(std::move(deleted)));
  return absl::OkStatus();
}

absl::StatusOr<core::v1::PersistentVolumeClaim> FakeObjectWriter::CreateClaim(
    const core::v1::PersistentVolumeClaim& claim) {
  if (claims.Get(Key(claim)) != nullptr) return absl::AlreadyExistsError("claim exists");
  core::v1::PersistentVolumeClaim created = claim;
  Stamp(*created.mutable_metadata(), true);
  created.mutable_status()->set_phase("Pending");
  claims.Upsert(std::make_shared<const core::v1::PersistentVolumeClaim>(created));
  Log("create pvc " + claim.metadata().name());
  return created;
}

absl::StatusOr<core::v1::PersistentVolumeClaim> FakeObjectWriter::UpdateClaim(
    const core::v1::PersistentVolumeClaim& claim) {
  auto old = claims.Get(Key(claim));
  if (old == nullptr) return absl::NotFoundError("claim not found");
  if (claim.metadata().resource_version() != old->metadata().resource_version()) {
    return absl::AbortedError("the object has been modified");
  }
  core::v1::PersistentVolumeClaim updated = claim;
  Stamp(*updated.mutable_metadata(), false);
  claims.Upsert(std::make_shared<const core::v1::PersistentVolumeClaim>(updated));
  std::string owners;
  for (const auto& ref : claim.metadata().owner_references()) {
    absl::StrAppend(&owners, owners.empty() ? "" : ",", ref.kind(), "/", ref.name());
  }
  Log(absl::StrCat("own pvc ", claim.metadata().name(), " by ", owners.empty() ? "none" : owners));
  return updated;
}

absl::Status FakeObjectWriter::DeleteClaim(const std::string& ns, const std::string& name,
                                           const std::string& uid) {
  auto old = claims.Get(Key(ns, name));
  if (old == nullptr) return absl::NotFoundError("claim not found");
  if (old->metadata().uid() != uid) return absl::AbortedError("uid precondition failed");
  claims.Remove(Key(ns, name));
  Log("delete pvc " + name);
  return absl::OkStatus();
}

absl::StatusOr<ControllerRevision> FakeObjectWriter::CreateRevision(const ControllerRevision& r) {
  if (revisions.Get(Key(r)) != nullptr) return absl::AlreadyExistsError("revision exists");
  ControllerRevision created = r;
  Stamp(*created.mutable_metadata(), true);
  revisions.Upsert(std::make_shared<const ControllerRevision>(created));
  Log(absl::StrCat("create revision ", r.revision()));
  return created;
}

absl::StatusOr<ControllerRevision> FakeObjectWriter::GetRevision(const std::string& ns,
                                                                 const std::string& name) {
  auto r = revisions.Get(Key(ns, name));
  if (r == nullptr) return absl::NotFoundError("revision not found");
  return *r;
}

absl::StatusOr<ControllerRevision> FakeObjectWriter::UpdateRevision(const ControllerRevision& r) {
  auto old = revisions.Get(Key(r));
  if (old == nullptr) return absl::NotFoundError("revision not found");
  ControllerRevision updated = r;
  Stamp(*updated.mutable_metadata(), false);
  revisions.Upsert(std::make_shared<const ControllerRevision>(updated));
  Log(absl::StrCat("update revision ", old->revision(), " to ", r.revision()));
  return updated;
}

absl::Status FakeObjectWriter::DeleteRevision(const std::string& ns, const std::string& name) {
  auto old = revisions.Remove(Key(ns, name));
  if (old != nullptr) Log(absl::StrCat("delete revision ", old->revision()));
  return absl::OkStatus();
}

absl::StatusOr<StatefulSet> FakeObjectWriter::GetStatefulSet(const std::string& ns,
                                                             const std::string& name) {
  auto set = sets.Get(Key(ns, name));
  if (set == nullptr) return absl::NotFoundError("statefulset not found");
  return *set;
}

absl::Status FakeObjectWriter::UpdateStatefulSetStatus(const StatefulSet& set) {
  auto old = sets.Get(Key(set));
  if (old == nullptr) return absl::NotFoundError("statefulset not found");
  StatefulSet updated = *old;
  *updated.mutable_status() = set.status();
  Stamp(*updated.mutable_metadata(), false);
  sets.Upsert(std::make_shared<const StatefulSet>(std::move(updated)));
  return absl::OkStatus();
}

}  // namespace ordo::testing
