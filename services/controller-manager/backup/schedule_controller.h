// ScheduleController makes a Schedule's backups on time (Velero's schedule
// controller). Keys are "<namespace>/<name>" of Schedules. A schedule whose
// cron expression does not parse is FailedValidation; else it is Enabled and,
// unless paused, when the first run after its last backup (or, before any, its
// creation) is due, it creates the Backup "<schedule>-<yyyyMMddHHmmss>" from
// its template, labelled velero.io/schedule-name (owned by the Schedule when
// useOwnerReferencesInBackup), records lastBackup and sleeps until the next
// run. Runs missed while the controller-manager was down make one backup, not
// many. Expiry is the backup controller's (each backup carries its ttl).
// Time is the injected Clock's, so tests run it on a fake one.
// Thread-safety: as Controller.
#pragma once

#include "common/clock/clock.h"
#include "common/informer/indexer.h"
#include "common/informer/shared_informer.h"
#include "ordo/velero/v1/velero.pb.h"
#include "services/controller-manager/backup/backup_client.h"
#include "services/controller-manager/controller.h"

namespace ordo::backup {

// The name of the backup a schedule makes at `at` (Velero's timestamp form).
std::string ScheduledBackupName(const std::string& schedule, absl::Time at);

class ScheduleController final : public controller::Controller {
 public:
  ScheduleController(informer::Lister<velero::v1::Schedule> schedules, BackupClient& client,
                     Clock& clock)
      : Controller(clock), schedules_(schedules), client_(client), clock_(clock) {}

  std::string Name() const override { return "schedule-controller"; }
  absl::Status Sync(const std::string& key) override;
  informer::EventHandler<velero::v1::Schedule> ScheduleHandler();

 private:
  absl::Status CreateBackup(const velero::v1::Schedule& schedule, absl::Time now);

  informer::Lister<velero::v1::Schedule> schedules_;
  BackupClient& client_;
  Clock& clock_;
};

}  // namespace ordo::backup
