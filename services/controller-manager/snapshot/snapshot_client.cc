#include "services/controller-manager/snapshot/snapshot_client.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/fs/copy_tree.h"

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

absl::StatusOr<int64_t> ApiSnapshotClient::DataSize(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat("no directory ", dir));
  }
  return fs::TreeSize(dir);
}

}  // namespace ordo::snapshot
