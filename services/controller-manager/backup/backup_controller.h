// BackupController does the work of Velero's backup controller for ordo.
// Keys are "<namespace>/<name>" of Backups, which go through:
//   New          its storage location is found (spec.storageLocation, else
//                the default one) and checked; the Backup gets the location
//                label and the ordo.io/backup-data finalizer, then
//                InProgress with startTimestamp and expiration (now + ttl).
//                Problems: FailedValidation with validationErrors.
//   InProgress   the selected objects (namespaces, resources, label
//                selector) are written as YAML into the location; each
//                selected Bound claim gets a VolumeSnapshot (snapshotVolumes
//                unless false), and once it is ready its data is moved into
//                the backup and the snapshot deleted. Then the log and the
//                manifest (every file's SHA-256) are written, the Backup
//                last (velero-backup.json), and the phase is Completed, or
//                PartiallyFailed when something could not be backed up.
//   finished     at expiration the Backup is deleted; its finalizer removes
//                its data from the location, then itself.
// A backup is run by the process that started it: one found InProgress
// after a restart of the controller-manager is marked Failed, as Velero does.
// Backups the location sync made (ordo.io/synced-from-location) are only kept
// and expired, never run.
// Thread-safety: as Controller; the in-flight runs are guarded by a mutex.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/informer/indexer.h"
#include "common/informer/shared_informer.h"
#include "ordo/core/v1/core.pb.h"
#include "ordo/snapshot/v1/snapshot.pb.h"
#include "ordo/velero/v1/backup_manifest.pb.h"
#include "ordo/velero/v1/velero.pb.h"
#include "services/controller-manager/backup/backup_client.h"
#include "services/controller-manager/backup/backup_location.h"
#include "services/controller-manager/backup/run_log.h"
#include "services/controller-manager/controller.h"
#include "services/controller-manager/controller_descriptor.h"

namespace ordo::backup {

struct BackupListers {
  informer::Lister<velero::v1::Backup> backups;
  informer::Lister<velero::v1::BackupStorageLocation> locations;
  informer::Lister<snapshot::v1::VolumeSnapshot> snapshots;
  informer::Lister<snapshot::v1::VolumeSnapshotContent> contents;
};

// The location a Backup goes to: spec.storageLocation, else the one marked
// default in its namespace, else the one named "default". NOT_FOUND says
// which was looked for.
absl::StatusOr<velero::v1::BackupStorageLocation> LocationFor(
    const informer::Lister<velero::v1::BackupStorageLocation>& locations, const std::string& ns,
    const std::string& name);

// A location's directory (config.path).
BackupLocation DirectoryOf(const velero::v1::BackupStorageLocation& location);

// The name of the VolumeSnapshot a backup takes of a claim.
std::string BackupSnapshotName(const std::string& backup, const std::string& claim);

class BackupController final : public controller::Controller {
 public:
  BackupController(BackupListers listers, BackupClient& client, Clock& clock)
      : Controller(clock), listers_(listers), client_(client), clock_(clock) {}

  std::string Name() const override { return "backup-controller"; }
  absl::Status Sync(const std::string& key) override;

  informer::EventHandler<velero::v1::Backup> BackupHandler();
  // A backup's snapshot changing wakes its backup.
  informer::EventHandler<snapshot::v1::VolumeSnapshot> SnapshotHandler();

 private:
  // A claim a running backup snapshots.
  struct ClaimWork {
    std::string ns;
    std::string claim;
    std::string storage_class;
    bool done = false;
  };
  // What a backup in progress has done so far (only its key's worker
  // touches it).
  struct Run {
    explicit Run(Clock& clock) : log(clock) {}
    RunLog log;
    bool resources_written = false;
    int items = 0;
    std::vector<ClaimWork> claims;
    velero::v1::BackupManifest manifest;
  };

  absl::Status Start(const velero::v1::Backup& backup);
  absl::Status Continue(const velero::v1::Backup& backup, Run& run);
  absl::Status WriteResources(const velero::v1::Backup& backup, const BackupLocation& location,
                              Run& run);
  // Moves the claim's snapshot into the backup when it is ready; true once
  // the claim needs nothing more.
  bool AdvanceClaim(const velero::v1::Backup& backup, const BackupLocation& location,
                    ClaimWork& work, Run& run);
  absl::Status Finish(const velero::v1::Backup& backup, const BackupLocation& location, Run& run);
  absl::Status Fail(const velero::v1::Backup& backup, const std::string& reason);
  absl::Status Expire(const velero::v1::Backup& backup);
  absl::Status Finalize(const velero::v1::Backup& backup);

  Run* FindRun(const std::string& key) ABSL_LOCKS_EXCLUDED(mu_);
  Run& NewRun(const std::string& key) ABSL_LOCKS_EXCLUDED(mu_);
  void EndRun(const std::string& key) ABSL_LOCKS_EXCLUDED(mu_);

  BackupListers listers_;
  BackupClient& client_;
  Clock& clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Run>> runs_ ABSL_GUARDED_BY(mu_);
};

// The controller-manager's entry for the backup, schedule, restore and
// storage-location controllers (registration.cc).
controller::ControllerDescriptor BackupControllersDescriptor();

}  // namespace ordo::backup
