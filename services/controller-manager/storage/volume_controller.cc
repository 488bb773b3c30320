#include "services/controller-manager/storage/volume_controller.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/quantity/quantity.h"
#include "spdlog/spdlog.h"

namespace ordo::storage {
namespace {

using events::kEventNormal;
using events::kEventWarning;

constexpr char kClaimPrefix[] = "claim/";
constexpr char kVolumePrefix[] = "volume/";

bool HasFinalizer(const meta::v1::ObjectMeta& meta, const std::string& f) {
  return std::find(meta.finalizers().begin(), meta.finalizers().end(), f) !=
         meta.finalizers().end();
}

void RemoveFinalizer(meta::v1::ObjectMeta& meta, const std::string& f) {
  auto* fs = meta.mutable_finalizers();
  fs->erase(std::remove(fs->begin(), fs->end(), f), fs->end());
}

int64_t StorageOf(const google::protobuf::Map<std::string, std::string>& resources) {
  auto it = resources.find("storage");
  if (it == resources.end()) return 0;
  auto value = quantity::ParseValue(it->second);
  return value.ok() ? *value : 0;
}

bool HasAccessModes(const PersistentVolume& v, const PersistentVolumeClaim& c) {
  for (const auto& mode : c.spec().access_modes()) {
    if (std::find(v.spec().access_modes().begin(), v.spec().access_modes().end(), mode) ==
        v.spec().access_modes().end()) {
      return false;
    }
  }
  return true;
}

// Whether the volume may be used on `node` (no affinity: anywhere).
bool VolumeFitsNode(const PersistentVolume& v, const std::string& node) {
  if (!v.spec().has_node_affinity()) return true;
  for (const auto& term : v.spec().node_affinity().required().node_selector_terms()) {
    bool all = true;
    for (const auto& req : term.match_expressions()) {
      bool in = std::find(req.values().begin(), req.values().end(), node) != req.values().end();
      if (req.key() != kHostnameLabel || (req.operator_() == "In") != in) all = false;
    }
    if (all) return true;
  }
  return false;
}

bool PreBoundTo(const PersistentVolume& v, const PersistentVolumeClaim& c) {
  const auto& ref = v.spec().claim_ref();
  return v.spec().has_claim_ref() && ref.name() == c.metadata().name() &&
         ref.namespace_() == c.metadata().namespace_() &&
         (ref.uid().empty() || ref.uid() == c.metadata().uid());
}

core::v1::ObjectReference ClaimRef(const PersistentVolumeClaim& c) {
  core::v1::ObjectReference ref;
  ref.set_kind("PersistentVolumeClaim");
  ref.set_api_version("v1");
  ref.set_namespace_(c.metadata().namespace_());
  ref.set_name(c.metadata().name());
  ref.set_uid(c.metadata().uid());
  ref.set_resource_version(c.metadata().resource_version());
  return ref;
}

}  // namespace

std::shared_ptr<const storage::v1::StorageClass> DefaultClass(
    informer::Lister<storage::v1::StorageClass>& classes) {
  for (const auto& sc : classes.List("", {})) {
    auto it = sc->metadata().annotations().find(kDefaultClassAnnotation);
    if (it != sc->metadata().annotations().end() && it->second == "true") return sc;
  }
  return nullptr;
}

std::string VolumeController::ClaimKey(const std::string& ns, const std::string& name) {
  return absl::StrCat(kClaimPrefix, ns, "/", name);
}

std::string VolumeController::VolumeKey(const std::string& name) {
  return absl::StrCat(kVolumePrefix, name);
}

informer::EventHandler<PersistentVolumeClaim> VolumeController::ClaimHandler() {
  auto enqueue = [this](const informer::ObjectPtr<PersistentVolumeClaim>& c) {
    queue().Add(ClaimKey(c->metadata().namespace_(), c->metadata().name()));
    if (!c->spec().volume_name().empty()) queue().Add(VolumeKey(c->spec().volume_name()));
  };
  return {enqueue, [enqueue](const auto&, const auto& c) { enqueue(c); }, enqueue};
}

informer::EventHandler<PersistentVolume> VolumeController::VolumeHandler() {
  auto enqueue = [this](const informer::ObjectPtr<PersistentVolume>& v) {
    queue().Add(VolumeKey(v->metadata().name()));
    if (v->spec().has_claim_ref()) {
      queue().Add(ClaimKey(v->spec().claim_ref().namespace_(), v->spec().claim_ref().name()));
    }
  };
  return {enqueue, [enqueue](const auto&, const auto& v) { enqueue(v); }, enqueue};
}

informer::EventHandler<storage::v1::StorageClass> VolumeController::ClassHandler() {
  // A new or changed class may unblock any pending claim.
  auto enqueue_pending = [this](const auto&) {
    for (const auto& c : listers_.claims.List("", {})) {
      if (c->status().phase() != "Bound") {
        queue().Add(ClaimKey(c->metadata().namespace_(), c->metadata().name()));
      }
    }
  };
  return {enqueue_pending, [enqueue_pending](const auto&, const auto& sc) { enqueue_pending(sc); },
          nullptr};
}

informer::EventHandler<core::v1::Pod> VolumeController::PodHandler() {
  // A pod that finishes or goes may release a claim being deleted.
  auto enqueue_claims = [this](const informer::ObjectPtr<core::v1::Pod>& pod) {
    for (const auto& v : pod->spec().volumes()) {
      if (v.has_persistent_volume_claim()) {
        queue().Add(
            ClaimKey(pod->metadata().namespace_(), v.persistent_volume_claim().claim_name()));
      }
    }
  };
  return {nullptr,
          [enqueue_claims](const auto& old_pod, const auto& pod) {
            if (old_pod->status().phase() != pod->status().phase()) enqueue_claims(pod);
          },
          enqueue_claims};
}

absl::Status VolumeController::Sync(const std::string& key) {
  if (absl::StartsWith(key, kVolumePrefix)) return SyncVolume(key.substr(strlen(kVolumePrefix)));
  if (!absl::StartsWith(key, kClaimPrefix)) return absl::OkStatus();
  std::string rest = key.substr(strlen(kClaimPrefix));
  size_t slash = rest.find('/');
  if (slash == std::string::npos) return absl::OkStatus();
  return SyncClaim(rest.substr(0, slash), rest.substr(slash + 1));
}

bool VolumeController::ClaimInUse(const PersistentVolumeClaim& claim) {
  for (const auto& pod : listers_.pods.List(claim.metadata().namespace_(), {})) {
    const std::string& phase = pod->status().phase();
    if (phase == "Succeeded" || phase == "Failed") continue;
    if (api::PodUsesClaim(*pod, claim.metadata().name())) return true;
  }
  return false;
}

absl::Status VolumeController::SyncClaim(const std::string& ns, const std::string& name) {
  auto claim = listers_.claims.Get(ns, name);
  if (claim == nullptr) return absl::OkStatus();
  if (claim->metadata().has_deletion_timestamp()) {
    if (!HasFinalizer(claim->metadata(), kClaimProtectionFinalizer) || ClaimInUse(*claim)) {
      return absl::OkStatus();
    }
    PersistentVolumeClaim released = *claim;
    RemoveFinalizer(*released.mutable_metadata(), kClaimProtectionFinalizer);
    return writer_.UpdateClaim(released).status();
  }
  if (!claim->spec().has_storage_class_name()) {
    // Kubernetes' retroactive default class: set once, as admission would have.
    auto sc = DefaultClass(listers_.classes);
    if (sc != nullptr) {
      PersistentVolumeClaim classed = *claim;
      classed.mutable_spec()->set_storage_class_name(sc->metadata().name());
      return writer_.UpdateClaim(classed).status();
    }
  }
  if (!claim->spec().volume_name().empty()) return SyncBoundClaim(*claim);
  auto volume = FindVolumeFor(*claim);
  if (volume != nullptr) return Bind(*claim, *volume);
  return Provision(*claim);
}

absl::Status VolumeController::SyncBoundClaim(const PersistentVolumeClaim& claim) {
  auto volume = listers_.volumes.Get("", claim.spec().volume_name());
  if (volume == nullptr) {
    if (claim.status().phase() == "Bound") {
      PersistentVolumeClaim lost = claim;
      lost.mutable_status()->set_phase("Lost");
      events_.Record(events::ReferenceTo(claim, "v1", "PersistentVolumeClaim"), kEventWarning,
                     "ClaimLost",
                     absl::StrCat("Bound claim has lost its PersistentVolume. Data on the volume "
                                  "is lost!"));
      return writer_.UpdateClaimStatus(lost).status();
    }
    return absl::OkStatus();  // pre-bound to a volume not there yet
  }
  if (!volume->spec().has_claim_ref()) return Bind(claim, *volume);  // claim named it first
  if (PreBoundTo(*volume, claim)) {
    if (volume->spec().claim_ref().uid().empty()) return Bind(claim, *volume);
    return MarkClaimBound(claim, *volume);
  }
  events_.Record(events::ReferenceTo(claim, "v1", "PersistentVolumeClaim"), kEventWarning,
                 "FailedBinding",
                 absl::StrCat("volume \"", volume->metadata().name(),
                              "\" already bound to a different claim."));
  return absl::OkStatus();
}

std::shared_ptr<const PersistentVolume> VolumeController::FindVolumeFor(
    const PersistentVolumeClaim& claim) {
  std::string class_name = claim.spec().storage_class_name();
  int64_t wanted = StorageOf(claim.spec().resources().requests());
  // A class that waits for a consumer binds only to volumes on the chosen node.
  std::string node;
  bool wait_for_consumer = false;
  if (auto sc = listers_.classes.Get("", class_name); sc != nullptr) {
    wait_for_consumer = sc->volume_binding_mode() == "WaitForFirstConsumer";
    auto it = claim.metadata().annotations().find(kSelectedNodeAnnotation);
    if (it != claim.metadata().annotations().end()) node = it->second;
  }
  std::shared_ptr<const PersistentVolume> best;
  for (const auto& v : listers_.volumes.List("", {})) {
    if (v->metadata().has_deletion_timestamp()) continue;
    bool pre_bound = PreBoundTo(*v, claim);
    if (v->spec().has_claim_ref() && !pre_bound) continue;
    if (pre_bound) return v;  // the user (or the provisioner) chose it
    if (v->spec().storage_class_name() != class_name || !HasAccessModes(*v, claim)) continue;
    if (StorageOf(v->spec().capacity()) < wanted) continue;
    const std::string& phase = v->status().phase();
    if (phase == "Released" || phase == "Failed") continue;
    if (wait_for_consumer && (node.empty() || !VolumeFitsNode(*v, node))) continue;
    if (best == nullptr || StorageOf(v->spec().capacity()) < StorageOf(best->spec().capacity())) {
      best = v;
    }
  }
  return best;
}

absl::Status VolumeController::Bind(const PersistentVolumeClaim& claim,
                                    const PersistentVolume& volume) {
  if (!volume.spec().has_claim_ref() || volume.spec().claim_ref().uid().empty()) {
    // The volume first, under its resourceVersion: the step that can race.
    PersistentVolume taken = volume;
    *taken.mutable_spec()->mutable_claim_ref() = ClaimRef(claim);
    auto written = writer_.UpdateVolume(taken);
    if (!written.ok()) return written.status();
    return MarkClaimBound(claim, *written);
  }
  return MarkClaimBound(claim, volume);
}

absl::Status VolumeController::MarkClaimBound(const PersistentVolumeClaim& claim,
                                              const PersistentVolume& volume) {
  if (claim.spec().volume_name() != volume.metadata().name()) {
    PersistentVolumeClaim named = claim;
    named.mutable_spec()->set_volume_name(volume.metadata().name());
    auto written = writer_.UpdateClaim(named);
    if (!written.ok()) return written.status();
    return MarkClaimBound(*written, volume);
  }
  if (claim.status().phase() == "Bound") return absl::OkStatus();
  PersistentVolumeClaim bound = claim;
  auto& status = *bound.mutable_status();
  status.set_phase("Bound");
  *status.mutable_access_modes() = volume.spec().access_modes();
  *status.mutable_capacity() = volume.spec().capacity();
  absl::Status s = writer_.UpdateClaimStatus(bound).status();
  if (s.ok()) {
    spdlog::info("claim {}/{} bound to {}", claim.metadata().namespace_(), claim.metadata().name(),
                 volume.metadata().name());
  }
  return s;
}

absl::StatusOr<std::string> VolumeController::SnapshotDataOf(const PersistentVolumeClaim& claim) {
  if (!claim.spec().has_data_source()) return std::string();
  const std::string& name = claim.spec().data_source().name();
  auto vs = listers_.snapshots.Get(claim.metadata().namespace_(), name);
  if (vs == nullptr) {
    return absl::UnavailableError(absl::StrCat("volumesnapshot \"", name, "\" not found"));
  }
  auto content =
      listers_.snapshot_contents.Get("", vs->status().bound_volume_snapshot_content_name());
  if (!vs->status().ready_to_use() || content == nullptr ||
      content->status().snapshot_handle().empty()) {
    return absl::UnavailableError(
        absl::StrCat("waiting for volumesnapshot \"", name, "\" to be ready to use"));
  }
  return content->status().snapshot_handle();
}

absl::Status VolumeController::Provision(const PersistentVolumeClaim& claim) {
  auto ref = events::ReferenceTo(claim, "v1", "PersistentVolumeClaim");
  const std::string& class_name = claim.spec().storage_class_name();
  auto sc = class_name.empty() ? nullptr : listers_.classes.Get("", class_name);
  if (sc == nullptr) {
    if (claim.status().phase() == "Pending" && claim.metadata().annotations().empty()) {
      events_.Record(
          ref, kEventNormal, "FailedBinding",
          class_name.empty()
              ? "no persistent volumes available for this claim and no storage class "
                "is set"
              : absl::StrCat("storageclass.storage.k8s.io \"", class_name, "\" not found"));
    }
    return absl::OkStatus();
  }
  if (!provisioner_.Serves(sc->provisioner())) return absl::OkStatus();  // someone else's
  std::string node;
  if (sc->volume_binding_mode() == "WaitForFirstConsumer") {
    auto it = claim.metadata().annotations().find(kSelectedNodeAnnotation);
    if (it == claim.metadata().annotations().end()) return absl::OkStatus();  // no consumer yet
    node = it->second;
  }
  std::string pv_name = absl::StrCat("pvc-", claim.metadata().uid());
  if (listers_.volumes.Get("", pv_name) != nullptr) return absl::OkStatus();  // binds next
  auto from = SnapshotDataOf(claim);
  if (!from.ok()) {
    events_.Record(ref, kEventNormal, "WaitForSnapshot", std::string(from.status().message()));
    return from.status();  // retried with back-off until the snapshot is ready
  }
  auto volume = provisioner_.Provision(claim, *sc, pv_name, node, *from);
  if (!volume.ok()) {
    events_.Record(ref, kEventWarning, "ProvisioningFailed",
                   std::string(volume.status().message()));
    return volume.status();
  }
  auto created = writer_.CreateVolume(*volume);
  if (absl::IsAlreadyExists(created.status())) return absl::OkStatus();
  if (!created.ok()) return created.status();
  events_.Record(ref, kEventNormal, "ProvisioningSucceeded",
                 absl::StrCat("Successfully provisioned volume ", pv_name));
  return Bind(claim, *created);
}

absl::Status VolumeController::SetVolumePhase(const PersistentVolume& volume,
                                              const std::string& phase,
                                              const std::string& message) {
  if (volume.status().phase() == phase && volume.status().message() == message) {
    return absl::OkStatus();
  }
  PersistentVolume updated = volume;
  updated.mutable_status()->set_phase(phase);
  updated.mutable_status()->set_message(message);
  return writer_.UpdateVolumeStatus(updated).status();
}

absl::Status VolumeController::SyncVolume(const std::string& name) {
  auto volume = listers_.volumes.Get("", name);
  if (volume == nullptr) return absl::OkStatus();
  if (volume->metadata().has_deletion_timestamp()) {
    if (!HasFinalizer(volume->metadata(), kVolumeProtectionFinalizer) ||
        volume->status().phase() == "Bound") {
      return absl::OkStatus();
    }
    PersistentVolume released = *volume;
    RemoveFinalizer(*released.mutable_metadata(), kVolumeProtectionFinalizer);
    return writer_.UpdateVolume(released).status();
  }
  if (!volume->spec().has_claim_ref()) return SetVolumePhase(*volume, "Available");
  const auto& ref = volume->spec().claim_ref();
  auto claim = listers_.claims.Get(ref.namespace_(), ref.name());
  if (claim != nullptr && (ref.uid().empty() || claim->metadata().uid() == ref.uid())) {
    if (claim->spec().volume_name() == name) return SetVolumePhase(*volume, "Bound");
    return absl::OkStatus();  // the claim's sync finishes the binding
  }
  if (ref.uid().empty()) return SetVolumePhase(*volume, "Available");  // waits for its claim
  // Its claim is gone: reclaim.
  return Reclaim(*volume);
}

absl::Status VolumeController::Reclaim(const PersistentVolume& volume) {
  const std::string& policy = volume.spec().persistent_volume_reclaim_policy();
  if (policy != "Delete") return SetVolumePhase(volume, "Released");
  auto by = volume.metadata().annotations().find("pv.kubernetes.io/provisioned-by");
  if (by == volume.metadata().annotations().end() || !provisioner_.Serves(by->second)) {
    return SetVolumePhase(volume, "Failed",
                          "error getting deleter volume plugin for volume \"" +
                              volume.metadata().name() + "\": no deletable volume plugin matched");
  }
  absl::Status deleted = provisioner_.Delete(volume);
  if (!deleted.ok()) {
    events_.Record(events::ReferenceTo(volume, "v1", "PersistentVolume"), kEventWarning,
                   "VolumeFailedDelete", std::string(deleted.message()));
    return deleted;
  }
  spdlog::info("volume {} reclaimed (Delete)", volume.metadata().name());
  return writer_.DeleteVolume(volume.metadata().name(), volume.metadata().uid());
}

}  // namespace ordo::storage
