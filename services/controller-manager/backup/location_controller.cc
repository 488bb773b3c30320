#include "services/controller-manager/backup/location_controller.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/api/velero.h"
#include "common/clock/timestamp.h"
#include "services/controller-manager/backup/backup_controller.h"
#include "spdlog/spdlog.h"

namespace ordo::backup {

using velero::v1::Backup;
using velero::v1::BackupStorageLocation;

informer::EventHandler<BackupStorageLocation> LocationController::LocationHandler() {
  auto enqueue = [this](const informer::ObjectPtr<BackupStorageLocation>& l) {
    queue().Add(informer::KeyOf(l->metadata()));
  };
  // Only a spec change needs a look before the next period (status writes
  // are this controller's own).
  return {enqueue,
          [enqueue](const auto& old_l, const auto& l) {
            if (old_l->metadata().generation() != l->metadata().generation()) enqueue(l);
          },
          [](const auto&) {}};
}

absl::Status LocationController::Sync(const std::string& key) {
  const auto [ns, name] = informer::SplitKey(key);
  auto location = locations_.Get(ns, name);
  if (location == nullptr || location->metadata().has_deletion_timestamp()) {
    return absl::OkStatus();
  }
  absl::Duration period;
  if (!absl::ParseDuration(location->spec().backup_sync_period(), &period) ||
      period <= absl::ZeroDuration()) {
    period = absl::Minutes(1);
  }
  const absl::Time now = clock_.Now();
  BackupStorageLocation next = *location;
  auto& status = *next.mutable_status();
  SetTimestamp(status.mutable_last_validation_time(), now);
  absl::Status valid =
      DirectoryOf(*location).Validate(location->spec().access_mode() == "ReadOnly");
  if (valid.ok()) {
    status.set_phase("Available");
    status.clear_message();
    auto synced = SyncBackups(*location);
    if (synced.ok()) {
      SetTimestamp(status.mutable_last_synced_time(), now);
    } else {
      status.set_message(absl::StrCat("sync: ", synced.status().message()));
    }
  } else {
    status.set_phase("Unavailable");
    status.set_message(std::string(valid.message()));
  }
  auto written = UpdateStatus(client_, next);
  if (!written.ok()) return written.status();
  queue().AddAfter(key, period);
  return absl::OkStatus();
}

absl::StatusOr<int> LocationController::SyncBackups(const BackupStorageLocation& location) {
  std::vector<std::string> problems;
  auto found = DirectoryOf(location).ListBackups(&problems);
  if (!found.ok()) return found.status();
  for (const auto& p : problems)
    spdlog::warn("backup storage location {}: {}", location.metadata().name(), p);
  const std::string& ns = location.metadata().namespace_();
  int made = 0;
  for (const Backup& stored : *found) {
    if (backups_.Get(ns, stored.metadata().name()) != nullptr) continue;
    Backup backup;
    backup.set_api_version("velero.io/v1");
    backup.set_kind("Backup");
    auto& meta = *backup.mutable_metadata();
    meta.set_namespace_(ns);
    meta.set_name(stored.metadata().name());
    *meta.mutable_labels() = stored.metadata().labels();
    (*meta.mutable_labels())[api::kStorageLocationLabel] = location.metadata().name();
    (*meta.mutable_annotations())[api::kBackupSyncedAnnotation] = location.metadata().name();
    meta.add_finalizers(api::kBackupDataFinalizer);
    *backup.mutable_spec() = stored.spec();
    auto created = Create(client_, backup);
    if (absl::IsAlreadyExists(created.status())) continue;
    if (!created.ok()) return created.status();
    *created->mutable_status() = stored.status();
    if (auto s = UpdateStatus(client_, *created); !s.ok()) return s.status();
    ++made;
    spdlog::info("backup storage location {}: backup {} synced into the cluster",
                 location.metadata().name(), meta.name());
  }
  return made;
}

}  // namespace ordo::backup
