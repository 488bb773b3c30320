#include "services/controller-manager/backup/backup_client.h"

namespace ordo::backup {

absl::StatusOr<std::vector<api::MessagePtr>> ApiBackupClient::List(const api::ResourceInfo& info,
                                                                   const std::string& ns) {
  meta::v1::ListOptions options;
  options.set_namespace_(ns);
  auto list = client_.List(info, options);
  if (!list.ok()) return list.status();
  std::vector<api::MessagePtr> items;
  const auto* field = (*list)->GetDescriptor()->FindFieldByName("items");
  const auto* reflection = (*list)->GetReflection();
  for (int i = 0; i < reflection->FieldSize(**list, field); ++i) {
    api::MessagePtr item((reflection->GetRepeatedMessage(**list, field, i)).New());
    item->CopyFrom(reflection->GetRepeatedMessage(**list, field, i));
    items.push_back(std::move(item));
  }
  return items;
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
