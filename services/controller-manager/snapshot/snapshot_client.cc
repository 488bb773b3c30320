#include "services/controller-manager/snapshot/snapshot_client.h"

#include <filesystem>

#include "absl/strings/str_cat.h"

namespace ordo::snapshot {

absl::Status ApiSnapshotClient::DeleteContent(const std::string& name, const std::string& uid) {
  meta::v1::DeleteRequest request;
  request.set_name(name);
  request.mutable_preconditions()->set_uid(uid);
  absl::Status s = contents_.Delete(request).status();
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

absl::Status ApiSnapshotClient::RemoveData(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("remove ", dir, ": ", ec.message()));
  return absl::OkStatus();
}

}  // namespace ordo::snapshot
