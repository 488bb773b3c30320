#include "services/kubelet-agent/pod_api.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace ordo::kubelet {

absl::Status GrpcPodApi::UpdatePodStatus(const core::v1::Pod& pod) {
  return pods_.UpdateStatus(pod).status();
}

absl::Status GrpcPodApi::ConfirmPodDeletion(const std::string& ns, const std::string& name,
                                            const std::string& uid) {
  meta::v1::DeleteRequest del;
  del.set_namespace_(ns);
  del.set_name(name);
  del.set_grace_period_seconds(0);
  del.mutable_preconditions()->set_uid(uid);
  absl::Status s = pods_.Delete(del).status();
  // Gone already, or replaced by a pod with another uid: nothing of ours to confirm.
  if (absl::IsNotFound(s) || absl::IsAborted(s) || absl::IsFailedPrecondition(s)) {
    return absl::OkStatus();
  }
  return s;
}

absl::StatusOr<std::string> GrpcPodApi::ClaimPath(const std::string& ns, const std::string& claim) {
  auto pvc = claims_.Get(ns, claim);
  if (!pvc.ok()) {
    if (absl::IsNotFound(pvc.status())) {
      return absl::FailedPreconditionError(
          absl::StrCat("persistentvolumeclaim \"", claim, "\" not found"));
    }
    return pvc.status();
  }
  if (pvc->status().phase() != "Bound" || pvc->spec().volume_name().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("persistentvolumeclaim \"", claim, "\" is not bound"));
  }
  auto pv = volumes_.Get("", pvc->spec().volume_name());
  if (!pv.ok()) return pv.status();
  ORDO_RETURN_IF_ERROR(Attach(*pv));
  if (pv->spec().has_local()) return pv->spec().local().path();
  if (pv->spec().has_host_path()) return pv->spec().host_path().path();
  return absl::FailedPreconditionError(absl::StrCat("persistentvolume \"", pv->metadata().name(),
                                                    "\" has no local or hostPath source"));
}

namespace {

// A ReadWriteOnce volume that several nodes could reach (no node affinity):
// only one may have it at a time. Node-local volumes are one node's anyway.
bool Exclusive(const core::v1::PersistentVolume& pv) {
  const auto& modes = pv.spec().access_modes();
  bool rwo = std::find(modes.begin(), modes.end(), "ReadWriteOnce") != modes.end() ||
             std::find(modes.begin(), modes.end(), "ReadWriteOncePod") != modes.end();
  return rwo && !pv.spec().has_node_affinity();
}

}  // namespace

absl::Status GrpcPodApi::Attach(const core::v1::PersistentVolume& volume) {
  if (!Exclusive(volume)) return absl::OkStatus();
  core::v1::PersistentVolume pv = volume;
  for (int attempt = 0;; ++attempt) {
    auto& annotations = *pv.mutable_metadata()->mutable_annotations();
    auto it = annotations.find(kAttachedNodeAnnotation);
    if (it != annotations.end() && it->second == node_) return absl::OkStatus();
    if (it != annotations.end() && !it->second.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("Multi-Attach error for volume \"", pv.metadata().name(),
                       "\" Volume is already exclusively attached to one node (", it->second,
                       ") and can't be attached to another"));
    }
    annotations[kAttachedNodeAnnotation] = node_;
    // Under the volume's resourceVersion: of two nodes attaching, one wins.
    auto written = volumes_.Update(pv);
    if (written.ok()) return absl::OkStatus();
    if (!absl::IsAborted(written.status()) || attempt >= 3) return written.status();
    auto fresh = volumes_.Get("", pv.metadata().name());
    if (!fresh.ok()) return fresh.status();
    pv = *fresh;
  }
}

absl::Status GrpcPodApi::ReleaseClaim(const std::string& ns, const std::string& claim) {
  auto pvc = claims_.Get(ns, claim);
  if (absl::IsNotFound(pvc.status())) return absl::OkStatus();
  if (!pvc.ok()) return pvc.status();
  if (pvc->spec().volume_name().empty()) return absl::OkStatus();
  for (int attempt = 0;; ++attempt) {
    auto pv = volumes_.Get("", pvc->spec().volume_name());
    if (absl::IsNotFound(pv.status())) return absl::OkStatus();
    if (!pv.ok()) return pv.status();
    auto& annotations = *pv->mutable_metadata()->mutable_annotations();
    auto it = annotations.find(kAttachedNodeAnnotation);
    if (it == annotations.end() || it->second != node_) return absl::OkStatus();
    annotations.erase(it);
    absl::Status s = volumes_.Update(*pv).status();
    if (s.ok() || !absl::IsAborted(s) || attempt >= 3) return s;
  }
}

}  // namespace ordo::kubelet
