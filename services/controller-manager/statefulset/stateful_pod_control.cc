#include "services/controller-manager/statefulset/stateful_pod_control.h"

#include "absl/strings/str_cat.h"
#include "common/labels/selector.h"
#include "common/status/status_macros.h"
#include "services/controller-manager/statefulset/pod_identity.h"

namespace ordo::statefulset {
namespace {

using apps::v1::StatefulSet;
using events::kEventNormal;
using events::kEventWarning;

core::v1::ObjectReference SetRef(const StatefulSet& set) {
  return events::ReferenceTo(set, "apps/v1", "StatefulSet");
}

// "create Pod web-0 in StatefulSet web"
std::string Describe(const std::string& verb, const StatefulSet& set, const core::v1::Pod& pod) {
  return absl::StrCat(verb, " Pod ", pod.metadata().name(), " in StatefulSet ",
                      set.metadata().name());
}

// Which owners the claims of a pod should carry under the set's retention
// policy (reference §2.12): the set for whenDeleted=Delete, the condemned pod
// for whenScaled=Delete (instead of the set).
struct WantedOwners {
  bool set = false;
  bool pod = false;
};
WantedOwners ClaimOwnersFor(const StatefulSet& set, bool condemned) {
  const auto& policy = set.spec().persistent_volume_claim_retention_policy();
  if (condemned && policy.when_scaled() == "Delete") return {false, true};
  return {policy.when_deleted() == "Delete", false};
}

meta::v1::OwnerReference PodRef(const core::v1::Pod& pod) {
  meta::v1::OwnerReference ref;
  ref.set_api_version("v1");
  ref.set_kind("Pod");
  ref.set_name(pod.metadata().name());
  ref.set_uid(pod.metadata().uid());
  ref.set_controller(true);
  ref.set_block_owner_deletion(true);
  return ref;
}

bool ScaledClaimsAreDeleted(const StatefulSet& set) {
  return set.spec().persistent_volume_claim_retention_policy().when_scaled() == "Delete";
}

}  // namespace

absl::Status StatefulPodControl::CreateMissingClaims(const StatefulSet& set,
                                                     const core::v1::Pod& pod) {
  int ordinal = ParsePodName(pod.metadata().name())->ordinal;
  for (const auto& claim : ClaimsFor(set, ordinal)) {
    auto existing = claims_.Get(claim.metadata().namespace_(), claim.metadata().name());
    if (existing != nullptr) {
      if (existing->metadata().has_deletion_timestamp()) {
        return absl::FailedPreconditionError(
            absl::StrCat("pvc ", claim.metadata().name(), " is being deleted"));
      }
      continue;
    }
    auto created = writer_.CreateClaim(claim);
    std::string what =
        absl::StrCat("Claim ", claim.metadata().name(), " Pod ", pod.metadata().name(),
                     " in StatefulSet ", set.metadata().name());
    if (absl::IsAlreadyExists(created.status())) continue;  // not in the cache yet
    if (!created.ok()) {
      events_.Record(SetRef(set), kEventWarning, "FailedCreate",
                     absl::StrCat("create ", what, " failure: ", created.status().message()));
      return created.status();
    }
    events_.Record(SetRef(set), kEventNormal, "SuccessfulCreate",
                   absl::StrCat("create ", what, " success"));
  }
  return absl::OkStatus();
}

absl::StatusOr<core::v1::Pod> StatefulPodControl::CreatePod(const StatefulSet& set,
                                                            const core::v1::Pod& pod) {
  auto created = writer_.CreatePod(pod);
  if (absl::IsAlreadyExists(created.status())) return created.status();  // no event
  if (!created.ok()) {
    events_.Record(
        SetRef(set), kEventWarning, "FailedCreate",
        absl::StrCat(Describe("create", set, pod), " failed error: ", created.status().message()));
    return created.status();
  }
  events_.Record(SetRef(set), kEventNormal, "SuccessfulCreate",
                 absl::StrCat(Describe("create", set, pod), " successful"));
  return created;
}

absl::StatusOr<core::v1::Pod> StatefulPodControl::UpdatePod(const StatefulSet& set,
                                                            const core::v1::Pod& pod) {
  auto updated = writer_.UpdatePod(pod);
  if (!updated.ok()) {
    events_.Record(
        SetRef(set), kEventWarning, "FailedUpdate",
        absl::StrCat(Describe("update", set, pod), " failed error: ", updated.status().message()));
    return updated.status();
  }
  events_.Record(SetRef(set), kEventNormal, "SuccessfulUpdate",
                 absl::StrCat(Describe("update", set, pod), " successful"));
  return updated;
}

absl::Status StatefulPodControl::DeletePod(const StatefulSet& set, const core::v1::Pod& pod) {
  absl::Status s =
      writer_.DeletePod(pod.metadata().namespace_(), pod.metadata().name(), pod.metadata().uid());
  if (absl::IsNotFound(s)) s = absl::OkStatus();
  if (!s.ok()) {
    events_.Record(SetRef(set), kEventWarning, "FailedDelete",
                   absl::StrCat(Describe("delete", set, pod), " failed error: ", s.message()));
    return s;
  }
  events_.Record(SetRef(set), kEventNormal, "SuccessfulDelete",
                 absl::StrCat(Describe("delete", set, pod), " successful"));
  return absl::OkStatus();
}

absl::Status StatefulPodControl::UpdateClaimOwners(const StatefulSet& set, const core::v1::Pod& pod,
                                                   bool condemned) {
  if (pod.metadata().uid().empty()) return absl::OkStatus();
  WantedOwners wanted = ClaimOwnersFor(set, condemned);
  int ordinal = ParsePodName(pod.metadata().name())->ordinal;
  for (const auto& tmpl : set.spec().volume_claim_templates()) {
    auto claim = claims_.Get(set.metadata().namespace_(), ClaimName(set, tmpl, ordinal));
    if (claim == nullptr || claim->metadata().has_deletion_timestamp()) continue;
    bool leave_alone = false;
    std::vector<meta::v1::OwnerReference> kept;
    for (const auto& ref : claim->metadata().owner_references()) {
      bool our_set = ref.kind() == "StatefulSet" && ref.name() == set.metadata().name();
      bool our_pod = ref.kind() == "Pod" && ref.name() == pod.metadata().name();
      if ((our_set && ref.uid() != set.metadata().uid()) ||
          (our_pod && ref.uid() != pod.metadata().uid())) {
        leave_alone = true;  // stale: another incarnation's
      } else if (!our_set && !our_pod && ref.controller()) {
        leave_alone = true;  // another controller's claim
      } else if (!our_set && !our_pod) {
        kept.push_back(ref);
      }
    }
    if (leave_alone) continue;
    if (wanted.set) kept.push_back(ControllerRefOf(set));
    if (wanted.pod) kept.push_back(PodRef(pod));
    const auto& now = claim->metadata().owner_references();
    bool same = static_cast<int>(kept.size()) == now.size();
    for (int i = 0; same && i < now.size(); ++i) {
      same = kept[i].SerializeAsString() == now[i].SerializeAsString();
    }
    if (same) continue;
    core::v1::PersistentVolumeClaim owned = *claim;
    owned.mutable_metadata()->mutable_owner_references()->Assign(kept.begin(), kept.end());
    ORDO_RETURN_IF_ERROR(writer_.UpdateClaim(owned).status());
  }
  return absl::OkStatus();
}

bool StatefulPodControl::ClaimIsStale(const StatefulSet& set, const core::v1::Pod& pod) const {
  if (!ScaledClaimsAreDeleted(set)) return false;
  int ordinal = ParsePodName(pod.metadata().name())->ordinal;
  for (const auto& tmpl : set.spec().volume_claim_templates()) {
    auto claim = claims_.Get(set.metadata().namespace_(), ClaimName(set, tmpl, ordinal));
    if (claim == nullptr) continue;
    for (const auto& ref : claim->metadata().owner_references()) {
      if (ref.kind() == "Pod" && ref.name() == pod.metadata().name()) return true;
    }
  }
  return false;
}

absl::Status StatefulPodControl::DeleteAbandonedClaims(
    const StatefulSet& set, const absl::flat_hash_set<int>& ordinals_with_pod) {
  if (!ScaledClaimsAreDeleted(set)) return absl::OkStatus();
  int start = StartOrdinal(set);
  int end = start + Replicas(set);
  auto selector = labels::LabelSelector::FromProto(set.spec().selector());
  if (!selector.ok()) return absl::OkStatus();
  for (const auto& tmpl : set.spec().volume_claim_templates()) {
    std::string prefix = absl::StrCat(tmpl.metadata().name(), "-", set.metadata().name());
    for (const auto& claim : claims_.List(set.metadata().namespace_(), *selector)) {
      auto parsed = ParsePodName(claim->metadata().name());
      if (!parsed.has_value() || parsed->parent != prefix) continue;
      if ((parsed->ordinal >= start && parsed->ordinal < end) ||
          ordinals_with_pod.contains(parsed->ordinal) ||
          claim->metadata().has_deletion_timestamp()) {
        continue;
      }
      bool someone_else = false;
      for (const auto& ref : claim->metadata().owner_references()) {
        if (ref.kind() == "Pod" || (ref.controller() && ref.uid() != set.metadata().uid())) {
          someone_else = true;  // a pod's (the collector's work) or another controller's
        }
      }
      if (someone_else) continue;
      ORDO_RETURN_IF_ERROR(writer_.DeleteClaim(claim->metadata().namespace_(),
                                               claim->metadata().name(), claim->metadata().uid()));
      events_.Record(SetRef(set), kEventNormal, "SuccessfulDelete",
                     absl::StrCat("delete Claim ", claim->metadata().name(), " in StatefulSet ",
                                  set.metadata().name(), " successful"));
    }
  }
  return absl::OkStatus();
}

}  // namespace ordo::statefulset
