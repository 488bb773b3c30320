#include "services/kubelet-agent/pod_api.h"

#include "absl/strings/str_cat.h"

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
  if (pv->spec().has_local()) return pv->spec().local().path();
  if (pv->spec().has_host_path()) return pv->spec().host_path().path();
  return absl::FailedPreconditionError(absl::StrCat("persistentvolume \"", pv->metadata().name(),
                                                    "\" has no local or hostPath source"));
}

}  // namespace ordo::kubelet
