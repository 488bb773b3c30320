#include "services/controller-manager/backup/backup_controller.h"

#include <algorithm>
#include <filesystem>
#include <functional>

#include "absl/container/btree_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/object_meta.h"
#include "common/api/velero.h"
#include "common/api/well_known.h"
#include "common/clock/timestamp.h"
#include "common/fs/copy_tree.h"
#include "common/labels/selector.h"
#include "common/manifest/manifest.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/controller-manager/backup/selection.h"
#include "spdlog/spdlog.h"

namespace ordo::backup {
namespace {

using velero::v1::Backup;
using velero::v1::BackupStorageLocation;

// The annotation the node agent writes with how long the pod was frozen.
constexpr char kFrozenMillisAnnotation[] = "ordo.io/snapshot-frozen-ms";
// How often a backup waiting on its snapshots looks again (their changes
// also wake it).
constexpr absl::Duration kSnapshotPoll = absl::Milliseconds(100);

bool IsFinished(const std::string& phase) {
  return phase == "Completed" || phase == "PartiallyFailed" || phase == "Failed" ||
         phase == "FailedValidation";
}

// Kinds a backup never holds: its own machinery, and what the cluster
// makes again (events).
bool NeverBackedUp(const api::ResourceInfo& info) {
  return info.group == "velero.io" || info.kind == "VolumeSnapshot" ||
         info.kind == "VolumeSnapshotContent" || info.kind == "Event";
}

// Objects read from lists carry no apiVersion and kind; a file must.
void SetTypeMeta(google::protobuf::Message& obj, const api::ResourceInfo& info) {
  const auto* descriptor = obj.GetDescriptor();
  const auto* reflection = obj.GetReflection();
  reflection->SetString(&obj, descriptor->FindFieldByName("api_version"), info.ApiVersion());
  reflection->SetString(&obj, descriptor->FindFieldByName("kind"), info.kind);
}

}  // namespace

absl::StatusOr<BackupStorageLocation> LocationFor(
    const informer::Lister<BackupStorageLocation>& locations, const std::string& ns,
    const std::string& name) {
  if (!name.empty()) {
    auto found = locations.Get(ns, name);
    if (found == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("backup storage location \"", name, "\" not found in namespace ", ns));
    }
    return *found;
  }
  std::shared_ptr<const BackupStorageLocation> fallback;
  for (const auto& location : locations.List(ns, labels::LabelSelector())) {
    if (location->spec().default_()) return *location;
    if (location->metadata().name() == "default") fallback = location;
  }
  if (fallback != nullptr) return *fallback;
  return absl::NotFoundError(
      absl::StrCat("no backup storage location is the default in namespace ", ns,
                   "; create one (spec.default: true) or name one in spec.storageLocation"));
}

BackupLocation DirectoryOf(const BackupStorageLocation& location) {
  auto path = location.spec().config().find("path");
  return BackupLocation(path == location.spec().config().end() ? "" : path->second);
}

std::string BackupSnapshotName(const std::string& backup, const std::string& claim) {
  return absl::StrCat(backup, "-", claim);
}

informer::EventHandler<Backup> BackupController::BackupHandler() {
  auto enqueue = [this](const informer::ObjectPtr<Backup>& b) {
    queue().Add(informer::KeyOf(b->metadata()));
  };
  return {enqueue, [enqueue](const auto&, const auto& b) { enqueue(b); }, enqueue};
}

informer::EventHandler<snapshot::v1::VolumeSnapshot> BackupController::SnapshotHandler() {
  auto enqueue = [this](const informer::ObjectPtr<snapshot::v1::VolumeSnapshot>& vs) {
    auto owner = vs->metadata().annotations().find(api::kBackupOfSnapshotAnnotation);
    if (owner != vs->metadata().annotations().end()) queue().Add(owner->second);
  };
  return {enqueue, [enqueue](const auto&, const auto& vs) { enqueue(vs); }, enqueue};
}

BackupController::Run* BackupController::FindRun(const std::string& key) {
  absl::MutexLock lock(&mu_);
  auto it = runs_.find(key);
  return it == runs_.end() ? nullptr : it->second.get();
}

BackupController::Run& BackupController::NewRun(const std::string& key) {
  absl::MutexLock lock(&mu_);
  auto& run = runs_[key];
  run = std::make_unique<Run>(clock_);
  return *run;
}

void BackupController::EndRun(const std::string& key) {
  absl::MutexLock lock(&mu_);
  runs_.erase(key);
}

absl::Status BackupController::Sync(const std::string& key) {
  const auto [ns, name] = informer::SplitKey(key);
  auto backup = listers_.backups.Get(ns, name);
  if (backup == nullptr) {
    EndRun(key);
    return absl::OkStatus();
  }
  if (backup->metadata().has_deletion_timestamp()) return Finalize(*backup);
  const std::string& phase = backup->status().phase();
  if (IsFinished(phase)) {
    EndRun(key);
    return Expire(*backup);
  }
  if (backup->metadata().annotations().contains(api::kBackupSyncedAnnotation)) {
    return absl::OkStatus();  // its status is on its way from the location sync
  }
  if (phase.empty() || phase == "New") return Start(*backup);
  Run* run = FindRun(key);
  if (run == nullptr) {
    return Fail(*backup, "the controller-manager restarted while the backup was in progress");
  }
  return Continue(*backup, *run);
}

absl::Status BackupController::Start(const Backup& backup) {
  const std::string key = informer::KeyOf(backup.metadata());
  const std::string& ns = backup.metadata().namespace_();
  std::vector<std::string> problems;
  auto location = LocationFor(listers_.locations, ns, backup.spec().storage_location());
  if (!location.ok()) {
    problems.push_back(std::string(location.status().message()));
  } else if (location->spec().access_mode() == "ReadOnly") {
    problems.push_back(
        absl::StrCat("backup storage location \"", location->metadata().name(), "\" is read-only"));
  } else if (auto valid = DirectoryOf(*location).Validate(false); !valid.ok()) {
    problems.push_back(std::string(valid.message()));
  } else if (std::error_code ec; std::filesystem::exists(
                 DirectoryOf(*location).BackupDir(backup.metadata().name()), ec)) {
    problems.push_back(absl::StrCat("a backup named \"", backup.metadata().name(),
                                    "\" is already in backup storage location \"",
                                    location->metadata().name(), "\""));
  }
  if (!problems.empty()) {
    Backup failed = backup;
    auto& status = *failed.mutable_status();
    status.set_phase("FailedValidation");
    for (auto& p : problems) status.add_validation_errors(std::move(p));
    return UpdateStatus(client_, failed).status();
  }

  Backup updated = backup;
  auto& meta = *updated.mutable_metadata();
  (*meta.mutable_labels())[api::kStorageLocationLabel] = location->metadata().name();
  if (std::find(meta.finalizers().begin(), meta.finalizers().end(), api::kBackupDataFinalizer) ==
      meta.finalizers().end()) {
    meta.add_finalizers(api::kBackupDataFinalizer);
  }
  auto written = Update(client_, updated);
  if (!written.ok()) return written.status();

  const absl::Time now = clock_.Now();
  absl::Duration ttl;
  if (!absl::ParseDuration(backup.spec().ttl(), &ttl)) ttl = absl::Hours(720);
  auto& status = *written->mutable_status();
  status.set_phase("InProgress");
  status.set_version(1);
  status.set_format_version(kFormatVersion);
  SetTimestamp(status.mutable_start_timestamp(), now);
  if (ttl > absl::ZeroDuration()) SetTimestamp(status.mutable_expiration(), now + ttl);
  Run& run = NewRun(key);
  run.log.Add("info", absl::StrCat("Setting up backup to location ", location->metadata().name(),
                                   " (", DirectoryOf(*location).root(), ")"));
  if (auto s = UpdateStatus(client_, *written); !s.ok()) {
    EndRun(key);
    return s.status();
  }
  return absl::OkStatus();
}

absl::Status BackupController::Continue(const Backup& backup, Run& run) {
  auto location = LocationFor(listers_.locations, backup.metadata().namespace_(),
                              backup.metadata().labels().contains(api::kStorageLocationLabel)
                                  ? backup.metadata().labels().at(api::kStorageLocationLabel)
                                  : "");
  if (!location.ok()) return Fail(backup, std::string(location.status().message()));
  const BackupLocation dir = DirectoryOf(*location);
  if (!run.resources_written) {
    if (auto s = WriteResources(backup, dir, run); !s.ok()) {
      return Fail(backup, std::string(s.message()));
    }
  }
  int completed = 0;
  for (auto& work : run.claims) {
    if (!work.done) work.done = AdvanceClaim(backup, dir, work, run);
    if (work.done) ++completed;
  }
  if (completed < static_cast<int>(run.claims.size())) {
    Backup progress = backup;
    auto& status = *progress.mutable_status();
    status.set_volume_snapshots_attempted(static_cast<int>(run.claims.size()));
    status.set_volume_snapshots_completed(run.manifest.volumes_size());
    status.mutable_progress()->set_total_items(run.items);
    status.mutable_progress()->set_items_backed_up(run.items);
    if (!google::protobuf::util::MessageDifferencer::Equals(progress.status(), backup.status())) {
      if (auto s = UpdateStatus(client_, progress); !s.ok()) return s.status();
    }
    queue().AddAfter(informer::KeyOf(backup.metadata()), kSnapshotPoll);
    return absl::OkStatus();
  }
  return Finish(backup, dir, run);
}

absl::Status BackupController::WriteResources(const Backup& backup, const BackupLocation& location,
                                              Run& run) {
  const auto& spec = backup.spec();
  labels::LabelSelector selector;
  if (spec.has_label_selector()) {
    auto parsed = labels::LabelSelector::FromProto(spec.label_selector());
    if (!parsed.ok()) return parsed.status();
    selector = *std::move(parsed);
  }
  const std::string& name = backup.metadata().name();
  absl::btree_set<std::string> namespaces;
  for (const auto& info : api::AllResources()) {
    if (NeverBackedUp(info)) continue;
    if (!info.namespaced &&
        !(spec.has_include_cluster_resources() && spec.include_cluster_resources())) {
      continue;
    }
    if (!Included(spec.included_resources(), spec.excluded_resources(),
                  [&](const std::string& e) { return ResourceMatches(e, info); })) {
      continue;
    }
    auto objects = client_.List(info, "");
    if (!objects.ok()) {
      return absl::Status(objects.status().code(),
                          absl::StrCat("list ", info.resource, ": ", objects.status().message()));
    }
    for (const auto& object : *objects) {
      SetTypeMeta(*object, info);
      const auto& meta = api::MetaOf(*object);
      if (info.namespaced &&
          !Included(spec.included_namespaces(), spec.excluded_namespaces(),
                    [&](const std::string& e) { return e == meta.namespace_(); })) {
        continue;
      }
      if (!selector.Matches(meta.labels())) continue;
      if (auto s =
              location.WriteBackupFile(name, ResourcePath(info, meta.namespace_(), meta.name()),
                                       manifest::EncodeYaml(*object));
          !s.ok()) {
        return s;
      }
      ++run.items;
      if (info.namespaced) namespaces.insert(meta.namespace_());
      if (info.kind == "PersistentVolumeClaim" &&
          !(spec.has_snapshot_volumes() && !spec.snapshot_volumes())) {
        const auto& claim = static_cast<const core::v1::PersistentVolumeClaim&>(*object);
        if (claim.status().phase() == "Bound") {
          run.claims.push_back({.ns = meta.namespace_(),
                                .claim = meta.name(),
                                .storage_class = claim.spec().storage_class_name()});
        } else {
          run.log.Add("warning",
                      absl::StrCat("claim ", meta.namespace_(), "/", meta.name(), " is ",
                                   claim.status().phase(), ", not Bound: no data to back up"));
        }
      }
    }
  }
  // The namespaces of what was selected, so a restore can make them.
  const auto& namespace_info = api::ResourceFor("Namespace");
  if (!NeverBackedUp(namespace_info)) {
    auto all = client_.List(namespace_info, "");
    if (!all.ok()) return all.status();
    for (const auto& object : *all) {
      SetTypeMeta(*object, namespace_info);
      const auto& meta = api::MetaOf(*object);
      if (!namespaces.contains(meta.name())) continue;
      if (auto s = location.WriteBackupFile(name, ResourcePath(namespace_info, "", meta.name()),
                                            manifest::EncodeYaml(*object));
          !s.ok()) {
        return s;
      }
      ++run.items;
    }
  }
  run.resources_written = true;
  run.log.Add("info", absl::StrCat("Backed up ", run.items, " items; ", run.claims.size(),
                                   " claims to snapshot"));
  return absl::OkStatus();
}

bool BackupController::AdvanceClaim(const Backup& backup, const BackupLocation& location,
                                    ClaimWork& work, Run& run) {
  const std::string vs_name = BackupSnapshotName(backup.metadata().name(), work.claim);
  const std::string what = absl::StrCat("claim ", work.ns, "/", work.claim);
  auto vs = listers_.snapshots.Get(work.ns, vs_name);
  if (vs == nullptr) {
    snapshot::v1::VolumeSnapshot request;
    request.set_api_version("snapshot.storage.k8s.io/v1");
    request.set_kind("VolumeSnapshot");
    auto& meta = *request.mutable_metadata();
    meta.set_namespace_(work.ns);
    meta.set_name(vs_name);
    (*meta.mutable_annotations())[api::kBackupOfSnapshotAnnotation] =
        informer::KeyOf(backup.metadata());
    if (backup.metadata().name().size() <= 63) {
      (*meta.mutable_labels())[api::kBackupNameLabel] = backup.metadata().name();
    }
    request.mutable_spec()->mutable_source()->set_persistent_volume_claim_name(work.claim);
    auto created = Create(client_, request);
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) {
      run.log.Add("error", absl::StrCat(what, ": snapshot: ", created.status().message()));
      return true;
    }
    return false;
  }
  if (vs->status().has_error() && !vs->status().error().message().empty()) {
    run.log.Add("error", absl::StrCat(what, ": snapshot failed: ", vs->status().error().message()));
    client_.Delete(api::KindTraits<snapshot::v1::VolumeSnapshot>::Info(), work.ns, vs_name)
        .IgnoreError();
    return true;
  }
  if (!vs->status().ready_to_use()) return false;
  auto content = listers_.contents.Get("", vs->status().bound_volume_snapshot_content_name());
  if (content == nullptr) return false;
  const auto& annotations = content->metadata().annotations();
  auto consistency = annotations.find(api::kSnapshotConsistencyAnnotation);
  if (consistency == annotations.end()) return false;  // written just after the status
  std::error_code ec;
  std::filesystem::create_directories(
      absl::StrCat(location.BackupDir(backup.metadata().name()), "/volumes/", work.ns), ec);
  const std::string to = absl::StrCat(location.BackupDir(backup.metadata().name()), "/",
                                      VolumePath(work.ns, work.claim));
  auto moved = fs::MoveTree(content->status().snapshot_handle(), to);
  client_.Delete(api::KindTraits<snapshot::v1::VolumeSnapshot>::Info(), work.ns, vs_name)
      .IgnoreError();
  if (!moved.ok()) {
    run.log.Add("error", absl::StrCat(what, ": ", moved.status().message()));
    return true;
  }
  auto* volume = run.manifest.add_volumes();
  volume->set_namespace_(work.ns);
  volume->set_claim(work.claim);
  volume->set_storage_class_name(work.storage_class);
  volume->set_driver(content->spec().driver());
  volume->set_size_bytes(content->status().restore_size());
  volume->set_consistency(consistency->second);
  if (auto frozen = annotations.find(kFrozenMillisAnnotation); frozen != annotations.end()) {
    int64_t ms = 0;
    if (absl::SimpleAtoi(frozen->second, &ms)) volume->set_frozen_ms(ms);
  }
  run.log.Add("info", absl::StrCat(what, ": ", content->status().restore_size(),
                                   " bytes backed up (", consistency->second, ")"));
  return true;
}

absl::Status BackupController::Finish(const Backup& backup, const BackupLocation& location,
                                      Run& run) {
  const std::string& name = backup.metadata().name();
  Backup done = backup;
  auto& status = *done.mutable_status();
  status.set_volume_snapshots_attempted(static_cast<int>(run.claims.size()));
  status.set_volume_snapshots_completed(run.manifest.volumes_size());
  status.mutable_progress()->set_total_items(run.items);
  status.mutable_progress()->set_items_backed_up(run.items);
  status.set_phase(run.log.errors() > 0 ? "PartiallyFailed" : "Completed");
  run.log.Add("info", absl::StrCat("Backup ", status.phase(), " with ", run.log.errors(),
                                   " errors and ", run.log.warnings(), " warnings"));
  status.set_warnings(run.log.warnings());
  status.set_errors(run.log.errors());
  SetTimestamp(status.mutable_completion_timestamp(), clock_.Now());
  if (auto s = location.WriteBackupFile(name, kBackupLogFile, run.log.Text()); !s.ok()) {
    return Fail(backup, std::string(s.message()));
  }
  // What another cluster syncs: the Backup as it ends, without this
  // cluster's identity.
  Backup sealed = done;
  SetTypeMeta(sealed, api::KindTraits<Backup>::Info());
  auto& meta = *sealed.mutable_metadata();
  meta.clear_uid();
  meta.clear_resource_version();
  meta.clear_finalizers();
  meta.clear_generation();
  if (auto s = location.Seal(name, run.manifest, sealed); !s.ok()) {
    return Fail(backup, std::string(s.message()));
  }
  auto written = UpdateStatus(client_, done);
  if (!written.ok()) return written.status();
  EndRun(informer::KeyOf(backup.metadata()));
  return absl::OkStatus();
}

absl::Status BackupController::Fail(const Backup& backup, const std::string& reason) {
  spdlog::warn("backup {}/{} failed: {}", backup.metadata().namespace_(), backup.metadata().name(),
               reason);
  Backup failed = backup;
  failed.mutable_status()->set_phase("Failed");
  failed.mutable_status()->set_failure_reason(reason);
  SetTimestamp(failed.mutable_status()->mutable_completion_timestamp(), clock_.Now());
  auto written = UpdateStatus(client_, failed);
  if (!written.ok()) return written.status();
  EndRun(informer::KeyOf(backup.metadata()));
  return absl::OkStatus();
}

absl::Status BackupController::Expire(const Backup& backup) {
  if (!backup.status().has_expiration()) return absl::OkStatus();
  const absl::Time expiration = FromTimestamp(backup.status().expiration());
  const absl::Time now = clock_.Now();
  if (now < expiration) {
    queue().AddAfter(informer::KeyOf(backup.metadata()), expiration - now);
    return absl::OkStatus();
  }
  spdlog::info("backup {}/{} expired", backup.metadata().namespace_(), backup.metadata().name());
  return client_.Delete(api::KindTraits<Backup>::Info(), backup.metadata().namespace_(),
                        backup.metadata().name());
}

absl::Status BackupController::Finalize(const Backup& backup) {
  const auto& finalizers = backup.metadata().finalizers();
  if (std::find(finalizers.begin(), finalizers.end(), api::kBackupDataFinalizer) ==
      finalizers.end()) {
    return absl::OkStatus();
  }
  const std::string key = informer::KeyOf(backup.metadata());
  if (Run* run = FindRun(key); run != nullptr) {
    for (const auto& work : run->claims) {
      client_
          .Delete(api::KindTraits<snapshot::v1::VolumeSnapshot>::Info(), work.ns,
                  BackupSnapshotName(backup.metadata().name(), work.claim))
          .IgnoreError();
    }
    EndRun(key);
  }
  auto labels = backup.metadata().labels();
  auto location = LocationFor(listers_.locations, backup.metadata().namespace_(),
                              labels.contains(api::kStorageLocationLabel)
                                  ? labels.at(api::kStorageLocationLabel)
                                  : backup.spec().storage_location());
  if (location.ok() && location->spec().access_mode() != "ReadOnly") {
    if (auto s = DirectoryOf(*location).RemoveBackup(backup.metadata().name()); !s.ok()) return s;
  } else if (!location.ok()) {
    spdlog::warn("backup {}: its data cannot be removed: {}", key,
                 std::string(location.status().message()));
  }
  Backup updated = backup;
  auto* kept = updated.mutable_metadata()->mutable_finalizers();
  kept->erase(std::remove(kept->begin(), kept->end(), api::kBackupDataFinalizer), kept->end());
  return Update(client_, updated).status();
}

}  // namespace ordo::backup
