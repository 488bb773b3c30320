// RestoreController does the work of Velero's restore controller for ordo.
// Keys are "<namespace>/<name>" of Restores. A new Restore names a backup
// (or a schedule: its latest finished backup) that must be Completed or
// PartiallyFailed, else it is FailedValidation. Then, InProgress, the backup
// is read from its storage location with every file checked against its
// manifest (a damaged backup fails the restore before anything is made),
// planned (restore_plan.h) and created in order; objects that already exist
// are left as they are and counted as warnings, as Velero's
// existingResourcePolicy "none" does (a claim that exists keeps its data:
// no snapshot is made for it). The log goes to
// restores/<name>/restore.log in the location; the phase ends Completed, or
// PartiallyFailed when something could not be created.
// A claim's data comes back through the snapshot machinery: the plan's
// VolumeSnapshotContent points at the data in the backup, and the volume
// controller provisions the claim as a copy of it.
// Thread-safety: as Controller.
#pragma once

#include "absl/container/flat_hash_set.h"
#include "common/informer/indexer.h"
#include "common/informer/shared_informer.h"
#include "ordo/velero/v1/velero.pb.h"
#include "services/controller-manager/backup/backup_client.h"
#include "services/controller-manager/backup/backup_location.h"
#include "services/controller-manager/backup/restore_plan.h"
#include "services/controller-manager/controller.h"

namespace ordo::backup {

struct RestoreListers {
  informer::Lister<velero::v1::Restore> restores;
  informer::Lister<velero::v1::Backup> backups;
  informer::Lister<velero::v1::BackupStorageLocation> locations;
};

class RestoreController final : public controller::Controller {
 public:
  RestoreController(RestoreListers listers, BackupClient& client, Clock& clock)
      : Controller(clock), listers_(listers), client_(client), clock_(clock) {}

  std::string Name() const override { return "restore-controller"; }
  absl::Status Sync(const std::string& key) override;
  informer::EventHandler<velero::v1::Restore> RestoreHandler();

 private:
  // The backup the restore reads, or why it cannot.
  absl::StatusOr<velero::v1::Backup> SourceOf(const velero::v1::Restore& restore);
  absl::Status Run(const velero::v1::Restore& restore);
  // "<ns>/<snapshot>" of the plan's snapshots whose claim already exists.
  absl::flat_hash_set<std::string> SnapshotsOfExistingClaims(const RestorePlan& plan);

  RestoreListers listers_;
  BackupClient& client_;
  Clock& clock_;
};

}  // namespace ordo::backup
