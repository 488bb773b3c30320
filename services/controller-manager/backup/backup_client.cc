#include "services/controller-manager/backup/backup_client.h"

namespace ordo::backup {

absl::StatusOr<std::vector<api::MessagePtr>> ApiBackupClient::List(const api::ResourceInfo& info,
                                                                   const std::string& ns) {
  meta::v1::ListOptions options;
  options.set_namespace_(ns);
  auto list = client_.List(info, options);
  if (!list.ok()) return list.status();
  return api::TakeItems(**list);
}

absl::Status ApiBackupClient::Delete(const api::ResourceInfo& info, const std::string& ns,
                                     const std::string& name) {
  meta::v1::DeleteRequest request;
  request.set_namespace_(ns);
  request.set_name(name);
  auto deleted = client_.Delete(info, request);
  if (!deleted.ok() && !absl::IsNotFound(deleted.status())) return deleted.status();
  return absl::OkStatus();
}

}  // namespace ordo::backup
