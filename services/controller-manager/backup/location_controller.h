// LocationController keeps BackupStorageLocations true (Velero's BSL and
// backup-sync controllers). Keys are "<namespace>/<name>". Every
// backupSyncPeriod (default 1m) it checks the directory (there, and writable
// unless accessMode is ReadOnly) and sets phase Available or Unavailable with
// the reason in message; an available location's sealed backups that the
// cluster does not have become Backups here (with the location's label, the
// data finalizer, and the status they were sealed with), so a new cluster
// pointed at the same directory sees the old one's backups and can restore
// them. A backup deleted from its location is not brought back.
// Thread-safety: as Controller.
#pragma once

#include "common/informer/indexer.h"
#include "common/informer/shared_informer.h"
#include "ordo/velero/v1/velero.pb.h"
#include "services/controller-manager/backup/backup_client.h"
#include "services/controller-manager/controller.h"

namespace ordo::backup {

class LocationController final : public controller::Controller {
 public:
  LocationController(informer::Lister<velero::v1::BackupStorageLocation> locations,
                     informer::Lister<velero::v1::Backup> backups, BackupClient& client,
                     Clock& clock)
      : Controller(clock),
        locations_(locations),
        backups_(backups),
        client_(client),
        clock_(clock) {}

  std::string Name() const override { return "backup-storage-location-controller"; }
  absl::Status Sync(const std::string& key) override;
  informer::EventHandler<velero::v1::BackupStorageLocation> LocationHandler();

 private:
  // Makes a Backup of each sealed one the cluster lacks; returns how many.
  absl::StatusOr<int> SyncBackups(const velero::v1::BackupStorageLocation& location);

  informer::Lister<velero::v1::BackupStorageLocation> locations_;
  informer::Lister<velero::v1::Backup> backups_;
  BackupClient& client_;
  Clock& clock_;
};

}  // namespace ordo::backup
