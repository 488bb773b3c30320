#include "services/controller-manager/backup/restore_controller.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/object_meta.h"
#include "common/api/velero.h"
#include "common/clock/timestamp.h"
#include "common/labels/selector.h"
#include "common/manifest/manifest.h"
#include "services/controller-manager/backup/backup_controller.h"
#include "services/controller-manager/backup/restore_plan.h"
#include "services/controller-manager/backup/run_log.h"
#include "spdlog/spdlog.h"

namespace ordo::backup {
namespace {

using velero::v1::Backup;
using velero::v1::Restore;

bool IsRestorable(const Backup& backup) {
  return backup.status().phase() == "Completed" || backup.status().phase() == "PartiallyFailed";
}

// "<ns>/<snapshot>" for a restore's VolumeSnapshot or the content made for
// it; "" for other kinds.
std::string SnapshotKeyOf(const api::ResourceInfo& info, const google::protobuf::Message& obj) {
  if (info.kind == "VolumeSnapshot") {
    const auto& meta = api::MetaOf(obj);
    return absl::StrCat(meta.namespace_(), "/", meta.name());
  }
  if (info.kind == "VolumeSnapshotContent") {
    const auto& ref =
        static_cast<const snapshot::v1::VolumeSnapshotContent&>(obj).spec().volume_snapshot_ref();
    return absl::StrCat(ref.namespace_(), "/", ref.name());
  }
  return "";
}

}  // namespace

absl::flat_hash_set<std::string> RestoreController::SnapshotsOfExistingClaims(
    const RestorePlan& plan) {
  absl::flat_hash_set<std::string> unneeded;
  const auto& claims = api::KindTraits<core::v1::PersistentVolumeClaim>::Info();
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> existing;  // by namespace
  for (const auto& item : plan.items) {
    if (item.info != &claims) continue;
    const auto& claim = static_cast<const core::v1::PersistentVolumeClaim&>(*item.object);
    if (!claim.spec().has_data_source()) continue;
    const std::string& ns = claim.metadata().namespace_();
    if (!existing.contains(ns)) {
      auto& names = existing[ns];
      auto listed = client_.List(claims, ns);
      if (listed.ok()) {
        for (const auto& obj : *listed) names.insert(api::MetaOf(*obj).name());
      }
    }
    if (existing[ns].contains(claim.metadata().name())) {
      unneeded.insert(absl::StrCat(ns, "/", claim.spec().data_source().name()));
    }
  }
  return unneeded;
}

informer::EventHandler<Restore> RestoreController::RestoreHandler() {
  auto enqueue = [this](const informer::ObjectPtr<Restore>& r) {
    queue().Add(informer::KeyOf(r->metadata()));
  };
  return {enqueue, [enqueue](const auto&, const auto& r) { enqueue(r); }, enqueue};
}

absl::StatusOr<Backup> RestoreController::SourceOf(const Restore& restore) {
  const std::string& ns = restore.metadata().namespace_();
  const auto& spec = restore.spec();
  if (!spec.backup_name().empty()) {
    auto backup = listers_.backups.Get(ns, spec.backup_name());
    if (backup == nullptr) {
      return absl::NotFoundError(absl::StrCat("backup \"", spec.backup_name(), "\" not found"));
    }
    if (!IsRestorable(*backup)) {
      return absl::FailedPreconditionError(
          absl::StrCat("backup \"", spec.backup_name(), "\" is ",
                       backup->status().phase().empty() ? "New" : backup->status().phase(),
                       ", not Completed or PartiallyFailed"));
    }
    return *backup;
  }
  std::shared_ptr<const Backup> latest;
  for (const auto& backup : listers_.backups.List(ns, labels::LabelSelector())) {
    auto label = backup->metadata().labels().find(api::kScheduleNameLabel);
    if (label == backup->metadata().labels().end() || label->second != spec.schedule_name() ||
        !IsRestorable(*backup)) {
      continue;
    }
    if (latest == nullptr || FromTimestamp(backup->status().start_timestamp()) >
                                 FromTimestamp(latest->status().start_timestamp())) {
      latest = backup;
    }
  }
  if (latest == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("schedule \"", spec.schedule_name(), "\" has no finished backup"));
  }
  return *latest;
}

absl::Status RestoreController::Sync(const std::string& key) {
  const auto [ns, name] = informer::SplitKey(key);
  auto restore = listers_.restores.Get(ns, name);
  if (restore == nullptr || restore->metadata().has_deletion_timestamp()) return absl::OkStatus();
  const std::string& phase = restore->status().phase();
  if (phase.empty() || phase == "New") {
    auto source = SourceOf(*restore);
    Restore next = *restore;
    if (!source.ok()) {
      next.mutable_status()->set_phase("FailedValidation");
      next.mutable_status()->add_validation_errors(std::string(source.status().message()));
      return UpdateStatus(client_, next).status();
    }
    // Which backup it reads (a schedule's is chosen now), as Velero records it.
    (*next.mutable_metadata()->mutable_labels())[api::kBackupNameLabel] = source->metadata().name();
    auto labelled = Update(client_, next);
    if (!labelled.ok()) return labelled.status();
    labelled->mutable_status()->set_phase("InProgress");
    SetTimestamp(labelled->mutable_status()->mutable_start_timestamp(), clock_.Now());
    return UpdateStatus(client_, *labelled).status();
  }
  if (phase == "InProgress") return Run(*restore);
  return absl::OkStatus();
}

absl::Status RestoreController::Run(const Restore& restore) {
  RunLog log(clock_);
  Restore done = restore;
  auto& status = *done.mutable_status();
  auto finish = [&](const std::string& phase, const std::string& reason) {
    status.set_phase(phase);
    if (!reason.empty()) status.set_failure_reason(reason);
    status.set_warnings(log.warnings());
    status.set_errors(log.errors());
    SetTimestamp(status.mutable_completion_timestamp(), clock_.Now());
    return UpdateStatus(client_, done).status();
  };

  const std::string backup_name = restore.metadata().labels().contains(api::kBackupNameLabel)
                                      ? restore.metadata().labels().at(api::kBackupNameLabel)
                                      : restore.spec().backup_name();
  auto backup = listers_.backups.Get(restore.metadata().namespace_(), backup_name);
  if (backup == nullptr) return finish("Failed", absl::StrCat("backup ", backup_name, " is gone"));
  auto labels = backup->metadata().labels();
  auto location = LocationFor(listers_.locations, backup->metadata().namespace_(),
                              labels.contains(api::kStorageLocationLabel)
                                  ? labels.at(api::kStorageLocationLabel)
                                  : backup->spec().storage_location());
  if (!location.ok()) return finish("Failed", std::string(location.status().message()));
  const BackupLocation dir = DirectoryOf(*location);
  log.Add("info",
          absl::StrCat("Restoring from backup ", backup_name, " in ", dir.BackupDir(backup_name)));
  auto manifest = dir.Verify(backup_name);
  if (!manifest.ok()) return finish("Failed", std::string(manifest.status().message()));

  std::vector<manifest::Object> objects;
  for (const auto& file : manifest->files()) {
    if (!absl::StartsWith(file.path(), "resources/")) continue;
    auto text = dir.ReadBackupFile(backup_name, file.path());
    if (!text.ok()) return finish("Failed", std::string(text.status().message()));
    auto decoded = manifest::Decode(*text, file.path());
    if (!decoded.ok()) {
      log.Add("error", std::string(decoded.status().message()));
      continue;
    }
    for (auto& object : *decoded) objects.push_back(std::move(object));
  }
  RestorePlan plan =
      PlanRestore(std::move(objects), restore, backup_name, *manifest, dir.BackupDir(backup_name));
  for (const auto& line : plan.skipped) log.Add("info", absl::StrCat("Skipped ", line));
  status.mutable_progress()->set_total_items(static_cast<int>(plan.items.size()));
  // A claim that exists keeps its data: its snapshot is not made.
  absl::flat_hash_set<std::string> unneeded = SnapshotsOfExistingClaims(plan);
  int restored = 0;
  for (const auto& item : plan.items) {
    const auto& meta = api::MetaOf(*item.object);
    if (unneeded.contains(SnapshotKeyOf(*item.info, *item.object))) continue;
    const std::string what =
        absl::StrCat(item.info->GroupResource(), " ",
                     meta.namespace_().empty() ? "" : meta.namespace_() + "/", meta.name());
    auto created = client_.Create(*item.info, *item.object);
    if (created.ok()) {
      ++restored;
      log.Add("info", absl::StrCat("Restored ", what));
    } else if (absl::IsAlreadyExists(created.status())) {
      log.Add("warning", absl::StrCat(what, " already exists: left as it is"));
    } else {
      log.Add("error", absl::StrCat(what, ": ", created.status().message()));
    }
  }
  status.mutable_progress()->set_items_restored(restored);
  log.Add("info", absl::StrCat("Restore ended: ", restored, " created, ", log.warnings(),
                               " warnings, ", log.errors(), " errors"));
  if (auto s = dir.WriteRestoreFile(restore.metadata().name(), kRestoreLogFile, log.Text());
      !s.ok()) {
    spdlog::warn("restore {}: {}", restore.metadata().name(), std::string(s.message()));
  }
  return finish(log.errors() > 0 ? "PartiallyFailed" : "Completed", "");
}

}  // namespace ordo::backup
