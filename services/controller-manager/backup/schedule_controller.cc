#include "services/controller-manager/backup/schedule_controller.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/api/velero.h"
#include "common/clock/timestamp.h"
#include "common/cron/cron.h"
#include "spdlog/spdlog.h"

namespace ordo::backup {

using velero::v1::Schedule;

std::string ScheduledBackupName(const std::string& schedule, absl::Time at) {
  return absl::StrCat(schedule, "-", absl::FormatTime("%Y%m%d%H%M%S", at, absl::UTCTimeZone()));
}

informer::EventHandler<Schedule> ScheduleController::ScheduleHandler() {
  auto enqueue = [this](const informer::ObjectPtr<Schedule>& s) {
    queue().Add(informer::KeyOf(s->metadata()));
  };
  return {enqueue, [enqueue](const auto&, const auto& s) { enqueue(s); }, enqueue};
}

absl::Status ScheduleController::Sync(const std::string& key) {
  const auto [ns, name] = informer::SplitKey(key);
  auto schedule = schedules_.Get(ns, name);
  if (schedule == nullptr || schedule->metadata().has_deletion_timestamp()) {
    return absl::OkStatus();
  }
  auto cron = cron::Schedule::Parse(schedule->spec().schedule());
  if (!cron.ok()) {
    if (schedule->status().phase() == "FailedValidation") return absl::OkStatus();
    Schedule failed = *schedule;
    failed.mutable_status()->set_phase("FailedValidation");
    failed.mutable_status()->add_validation_errors(
        absl::StrCat("invalid schedule: ", cron.status().message()));
    return UpdateStatus(client_, failed).status();
  }
  if (schedule->status().phase() != "Enabled") {
    Schedule enabled = *schedule;
    enabled.mutable_status()->set_phase("Enabled");
    enabled.mutable_status()->clear_validation_errors();
    return UpdateStatus(client_, enabled).status();  // its update brings the key back
  }
  if (schedule->spec().paused()) return absl::OkStatus();

  const absl::Time now = clock_.Now();
  const absl::Time last = FromTimestamp(schedule->status().has_last_backup()
                                            ? schedule->status().last_backup()
                                            : schedule->metadata().creation_timestamp());
  std::optional<absl::Time> next = cron->Next(last);
  if (!next.has_value()) return absl::OkStatus();  // never runs (February 30th)
  if (now < *next) {
    queue().AddAfter(key, *next - now);
    return absl::OkStatus();
  }
  if (auto s = CreateBackup(*schedule, now); !s.ok()) return s;
  Schedule ran = *schedule;
  SetTimestamp(ran.mutable_status()->mutable_last_backup(), now);
  auto written = UpdateStatus(client_, ran);
  if (!written.ok()) return written.status();
  if (auto after = cron->Next(now); after.has_value()) queue().AddAfter(key, *after - now);
  return absl::OkStatus();
}

absl::Status ScheduleController::CreateBackup(const Schedule& schedule, absl::Time now) {
  velero::v1::Backup backup;
  backup.set_api_version("velero.io/v1");
  backup.set_kind("Backup");
  auto& meta = *backup.mutable_metadata();
  meta.set_namespace_(schedule.metadata().namespace_());
  meta.set_name(ScheduledBackupName(schedule.metadata().name(), now));
  if (schedule.metadata().name().size() <= 63) {
    (*meta.mutable_labels())[api::kScheduleNameLabel] = schedule.metadata().name();
  }
  if (schedule.spec().has_use_owner_references_in_backup() &&
      schedule.spec().use_owner_references_in_backup()) {
    auto& owner = *meta.add_owner_references();
    owner.set_api_version("velero.io/v1");
    owner.set_kind("Schedule");
    owner.set_name(schedule.metadata().name());
    owner.set_uid(schedule.metadata().uid());
    owner.set_controller(true);
  }
  *backup.mutable_spec() = schedule.spec().template_();
  auto created = Create(client_, backup);
  if (!created.ok() && !absl::IsAlreadyExists(created.status())) return created.status();
  spdlog::info("schedule {}/{}: backup {} created", meta.namespace_(), schedule.metadata().name(),
               meta.name());
  return absl::OkStatus();
}

}  // namespace ordo::backup
