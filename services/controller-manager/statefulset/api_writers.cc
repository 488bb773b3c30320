#include "services/controller-manager/statefulset/api_writers.h"

namespace ordo::statefulset {

absl::Status ApiPodClaimWriter::DeletePod(const std::string& ns, const std::string& name,
                                          const std::string& uid) {
  meta::v1::DeleteRequest request;
  request.set_namespace_(ns);
  request.set_name(name);
  request.mutable_preconditions()->set_uid(uid);
  return pods_.Delete(request).status();
}

absl::Status ApiPodClaimWriter::DeleteClaim(const std::string& ns, const std::string& name,
                                            const std::string& uid) {
  meta::v1::DeleteRequest request;
  request.set_namespace_(ns);
  request.set_name(name);
  request.mutable_preconditions()->set_uid(uid);
  absl::Status s = claims_.Delete(request).status();
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

absl::Status ApiRevisionWriter::DeleteRevision(const std::string& ns, const std::string& name) {
  meta::v1::DeleteRequest request;
  request.set_namespace_(ns);
  request.set_name(name);
  absl::Status s = revisions_.Delete(request).status();
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

absl::Status ApiStatusUpdater::UpdateStatefulSetStatus(const apps::v1::StatefulSet& set) {
  apps::v1::StatefulSet update = set;
  update.mutable_metadata()->clear_resource_version();  // status only: the server retries
  return sets_.UpdateStatus(update).status();
}

}  // namespace ordo::statefulset
