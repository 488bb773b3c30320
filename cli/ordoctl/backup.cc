// ordoctl backup|schedule|restore: Velero's CLI verbs over ordo's velero.io
// kinds (which live in namespace velero). They create and read the objects
// through the api-server; `logs` and `describe`'s volume list read the
// storage location's directory, which must be reachable from this host (it
// is, on a process cluster; in compose, run them in a container that mounts
// it).
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/ordoctl/commands.h"
#include "cli/ordoctl/printer.h"
#include "common/api/resource_client.h"
#include "common/api/velero.h"
#include "common/clock/timestamp.h"
#include "common/labels/selector.h"
#include "google/protobuf/util/json_util.h"
#include "ordo/velero/v1/backup_manifest.pb.h"

namespace ordo::ctl {
namespace {

using velero::v1::Backup;
using velero::v1::BackupStorageLocation;
using velero::v1::Restore;
using velero::v1::Schedule;

template <api::Kind T>
api::ResourceClient<T> ClientFor(Context& ctx) {
  return api::ResourceClient<T>(Dial(ctx, ctx.server), SystemClock(),
                                api::ClientOptions{.max_attempts = 1});
}

meta::v1::ListOptions InVelero() {
  meta::v1::ListOptions options;
  options.set_namespace_(api::kVeleroNamespace);
  return options;
}

std::vector<std::string> CommaList(const std::string& value) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(value, ',', absl::SkipEmpty())) {
    out.emplace_back(part);
  }
  return out;
}

std::string Time(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "<none>";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S +0000 UTC", FromTimestamp(ts), absl::UTCTimeZone());
}

std::string ListOrAll(const google::protobuf::RepeatedPtrField<std::string>& list,
                      const std::string& empty) {
  return list.empty() ? empty : absl::StrJoin(list, ", ");
}

std::string SelectorOf(const velero::v1::BackupSpec& spec) {
  if (!spec.has_label_selector()) return "<none>";
  auto selector = labels::LabelSelector::FromProto(spec.label_selector());
  return selector.ok() && !selector->Empty() ? selector->ToString() : "<none>";
}

// A comma list flag's items, appended to `field`.
void AddListFlag(const Args& args, const std::string& flag,
                 google::protobuf::RepeatedPtrField<std::string>* field) {
  for (absl::string_view part : absl::StrSplit(args.Get(flag), ',', absl::SkipEmpty())) {
    field->Add(std::string(part));
  }
}

// --selector as matchLabels (Velero's CLI takes key=value terms).
absl::Status SelectorFlag(const Args& args, meta::v1::LabelSelector* out) {
  if (!args.Has("selector")) return absl::OkStatus();
  auto selector = labels::LabelSelector::Parse(args.Get("selector"));
  if (!selector.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--selector: ", selector.status().message()));
  }
  for (const auto& req : selector->requirements()) {
    if (req.op != labels::Requirement::Op::kEquals || req.values.size() != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("--selector: only key=value terms are supported here, not \"",
                       args.Get("selector"), "\""));
    }
    (*out->mutable_match_labels())[req.key] = req.values[0];
  }
  return absl::OkStatus();
}

// The spec the backup flags describe (backup create, schedule create).
absl::StatusOr<velero::v1::BackupSpec> BackupSpecFromFlags(const Args& args) {
  velero::v1::BackupSpec spec;
  AddListFlag(args, "include-namespaces", spec.mutable_included_namespaces());
  AddListFlag(args, "exclude-namespaces", spec.mutable_excluded_namespaces());
  AddListFlag(args, "include-resources", spec.mutable_included_resources());
  AddListFlag(args, "exclude-resources", spec.mutable_excluded_resources());
  if (args.Has("selector")) {
    if (absl::Status s = SelectorFlag(args, spec.mutable_label_selector()); !s.ok()) return s;
  }
  if (args.Has("snapshot-volumes"))
    spec.set_snapshot_volumes(args.Get("snapshot-volumes") == "true");
  if (args.Has("include-cluster-resources")) {
    spec.set_include_cluster_resources(args.Get("include-cluster-resources") == "true");
  }
  if (args.Has("ttl")) spec.set_ttl(args.Get("ttl"));
  if (args.Has("storage-location")) spec.set_storage_location(args.Get("storage-location"));
  return spec;
}

// The directory of the location a backup is in.
absl::StatusOr<std::string> BackupDirOf(Context& ctx, const Backup& backup) {
  auto labels = backup.metadata().labels();
  std::string name = labels.contains(api::kStorageLocationLabel)
                         ? labels.at(api::kStorageLocationLabel)
                         : backup.spec().storage_location();
  auto location = ClientFor<BackupStorageLocation>(ctx).Get(api::kVeleroNamespace, name);
  if (!location.ok()) return location.status();
  auto path = location->spec().config().find("path");
  if (path == location->spec().config().end()) {
    return absl::NotFoundError(absl::StrCat("backup storage location ", name, " has no path"));
  }
  return absl::StrCat(path->second, "/backups/", backup.metadata().name());
}

int PrintFile(Context& ctx, const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) {
    ctx.err << "error: " << what << ": " << path
            << " cannot be read (the storage location's directory must be reachable from this "
               "host)\n";
    return 1;
  }
  ctx.out << in.rdbuf();
  return 0;
}

bool Finished(const std::string& phase) {
  return phase == "Completed" || phase == "PartiallyFailed" || phase == "Failed" ||
         phase == "FailedValidation";
}

// --wait: until the object's phase is final; prints it, 0 only for Completed.
template <api::Kind T>
int WaitFinished(Context& ctx, const std::string& name, const std::string& noun) {
  ctx.out << "Waiting for " << noun << " to complete. You may safely press ctrl-c to stop waiting"
          << " - your " << noun << " will continue in the background.\n";
  std::string phase;
  absl::Status waited =
      WaitForObject(ctx, api::KindTraits<T>::Info(), api::kVeleroNamespace, name,
                    absl::Now() + absl::Hours(1), [&](const google::protobuf::Message* obj) {
                      if (obj == nullptr) return true;
                      phase = static_cast<const T&>(*obj).status().phase();
                      return Finished(phase);
                    });
  if (!waited.ok()) return PrintError(waited, ctx);
  std::string cap = noun;
  cap[0] = static_cast<char>(std::toupper(cap[0]));
  ctx.out << "\n"
          << cap << " completed with status: " << phase
          << ". You may check for more information using the commands `ordoctl " << noun
          << " describe " << name << "` and `ordoctl " << noun << " logs " << name << "`.\n";
  return phase == "Completed" ? 0 : 1;
}

int BackupCreate(const Args& args, Context& ctx) {
  if (args.positional.size() < 3) {
    ctx.err << "error: a backup needs a name: ordoctl backup create NAME [--selector k=v]\n";
    return 1;
  }
  auto spec = BackupSpecFromFlags(args);
  if (!spec.ok()) {
    ctx.err << "error: " << spec.status().message() << "\n";
    return 1;
  }
  Backup backup;
  backup.set_api_version("velero.io/v1");
  backup.set_kind("Backup");
  backup.mutable_metadata()->set_namespace_(api::kVeleroNamespace);
  backup.mutable_metadata()->set_name(args.positional[2]);
  *backup.mutable_spec() = *spec;
  auto created = ClientFor<Backup>(ctx).Create(backup);
  if (!created.ok()) return PrintError(created.status(), ctx);
  ctx.out << "Backup request \"" << args.positional[2] << "\" submitted successfully.\n";
  if (args.Get("wait") == "true") return WaitFinished<Backup>(ctx, args.positional[2], "backup");
  ctx.out << "Run `ordoctl backup describe " << args.positional[2] << "` or `ordoctl backup logs "
          << args.positional[2] << "` for more details.\n";
  return 0;
}

int BackupGet(const Args& args, Context& ctx) {
  auto client = ClientFor<Backup>(ctx);
  std::vector<Backup> backups;
  if (args.positional.size() > 2) {
    for (size_t i = 2; i < args.positional.size(); ++i) {
      auto one = client.Get(api::kVeleroNamespace, args.positional[i]);
      if (!one.ok()) return PrintError(one.status(), ctx);
      backups.push_back(*one);
    }
  } else {
    auto list = client.List(InVelero());
    if (!list.ok()) return PrintError(list.status(), ctx);
    backups.assign(list->items().begin(), list->items().end());
  }
  std::vector<std::vector<std::string>> rows = {{"NAME", "STATUS", "ERRORS", "WARNINGS", "CREATED",
                                                 "EXPIRES", "STORAGE LOCATION", "SELECTOR"}};
  const absl::Time now = absl::Now();
  for (const auto& b : backups) {
    const auto& s = b.status();
    std::string expires = "n/a";
    if (s.has_expiration()) {
      absl::Duration left = FromTimestamp(s.expiration()) - now;
      expires = left > absl::ZeroDuration() ? ShortHumanDuration(left) : "expired";
    }
    auto labels = b.metadata().labels();
    rows.push_back(
        {b.metadata().name(), s.phase().empty() ? "New" : s.phase(), absl::StrCat(s.errors()),
         absl::StrCat(s.warnings()), Time(b.metadata().creation_timestamp()), expires,
         labels.contains(api::kStorageLocationLabel)
             ? labels.at(api::kStorageLocationLabel)
             : (b.spec().storage_location().empty() ? "default" : b.spec().storage_location()),
         SelectorOf(b.spec())});
  }
  PrintRows(ctx.out, rows);
  return 0;
}

int BackupDescribe(const Args& args, Context& ctx) {
  if (args.positional.size() < 3) {
    ctx.err << "error: ordoctl backup describe NAME\n";
    return 1;
  }
  auto backup = ClientFor<Backup>(ctx).Get(api::kVeleroNamespace, args.positional[2]);
  if (!backup.ok()) return PrintError(backup.status(), ctx);
  const auto& spec = backup->spec();
  const auto& s = backup->status();
  auto& out = ctx.out;
  out << "Name:         " << backup->metadata().name() << "\n"
      << "Namespace:    " << backup->metadata().namespace_() << "\n"
      << "Phase:        " << (s.phase().empty() ? "New" : s.phase()) << "\n";
  for (const auto& e : s.validation_errors()) out << "Validation error: " << e << "\n";
  if (!s.failure_reason().empty()) out << "Failure reason: " << s.failure_reason() << "\n";
  out << "Errors:    " << s.errors() << "\nWarnings:  " << s.warnings() << "\n\n"
      << "Namespaces:\n  Included:  " << ListOrAll(spec.included_namespaces(), "*")
      << "\n  Excluded:  " << ListOrAll(spec.excluded_namespaces(), "<none>") << "\n\n"
      << "Resources:\n  Included:        " << ListOrAll(spec.included_resources(), "*")
      << "\n  Excluded:        " << ListOrAll(spec.excluded_resources(), "<none>")
      << "\n  Cluster-scoped:  "
      << (spec.has_include_cluster_resources() && spec.include_cluster_resources() ? "included"
                                                                                   : "excluded")
      << "\n\nLabel selector:  " << SelectorOf(spec) << "\n\n"
      << "Storage Location:  "
      << (backup->metadata().labels().contains(api::kStorageLocationLabel)
              ? backup->metadata().labels().at(api::kStorageLocationLabel)
              : "<pending>")
      << "\n\nSnapshot volumes:  "
      << (spec.has_snapshot_volumes() && !spec.snapshot_volumes() ? "false" : "auto") << "\n\n"
      << "TTL:  " << spec.ttl() << "\n\n"
      << "Started:    " << Time(s.start_timestamp()) << "\n"
      << "Completed:  " << Time(s.completion_timestamp()) << "\n\n"
      << "Expiration:  " << Time(s.expiration()) << "\n\n"
      << "Total items to be backed up:  " << s.progress().total_items() << "\n"
      << "Items backed up:              " << s.progress().items_backed_up() << "\n\n"
      << "Volume snapshots attempted:  " << s.volume_snapshots_attempted() << "\n"
      << "Volume snapshots completed:  " << s.volume_snapshots_completed() << "\n";
  auto dir = BackupDirOf(ctx, *backup);
  std::ifstream in(dir.ok() ? *dir + "/manifest.json" : "");
  if (in) {
    std::stringstream json;
    json << in.rdbuf();
    velero::v1::BackupManifest manifest;
    if (google::protobuf::util::JsonStringToMessage(json.str(), &manifest).ok()) {
      out << "\nVolumes:\n";
      for (const auto& v : manifest.volumes()) {
        out << "  " << v.namespace_() << "/" << v.claim() << ":  " << v.size_bytes() << " bytes, "
            << v.consistency()
            << (v.consistency() == "frozen" ? absl::StrCat(" (", v.frozen_ms(), " ms)") : "")
            << "\n";
      }
      out << "\nFiles: " << manifest.files_size() << " (each with its SHA-256 in " << *dir
          << "/manifest.json)\n";
    }
  }
  return 0;
}

int BackupLogs(const Args& args, Context& ctx) {
  if (args.positional.size() < 3) {
    ctx.err << "error: ordoctl backup logs NAME\n";
    return 1;
  }
  auto backup = ClientFor<Backup>(ctx).Get(api::kVeleroNamespace, args.positional[2]);
  if (!backup.ok()) return PrintError(backup.status(), ctx);
  auto dir = BackupDirOf(ctx, *backup);
  if (!dir.ok()) return PrintError(dir.status(), ctx);
  return PrintFile(ctx, *dir + "/backup.log", "backup logs");
}

int BackupDelete(const Args& args, Context& ctx) {
  if (args.positional.size() < 3) {
    ctx.err << "error: ordoctl backup delete NAME\n";
    return 1;
  }
  for (size_t i = 2; i < args.positional.size(); ++i) {
    meta::v1::DeleteRequest request;
    request.set_namespace_(api::kVeleroNamespace);
    request.set_name(args.positional[i]);
    auto deleted = ctx.client.Delete(api::KindTraits<Backup>::Info(), request);
    if (!deleted.ok()) return PrintError(deleted.status(), ctx);
    ctx.out << "Request to delete backup \"" << args.positional[i]
            << "\" submitted successfully.\nThe backup will be fully deleted after all associated "
               "data (backup files, volume data) are removed.\n";
  }
  return 0;
}

int ScheduleCreate(const Args& args, Context& ctx) {
  if (args.positional.size() < 3 || !args.Has("schedule")) {
    ctx.err << "error: ordoctl schedule create NAME --schedule \"0 */6 * * *\" [backup flags]\n";
    return 1;
  }
  auto spec = BackupSpecFromFlags(args);
  if (!spec.ok()) {
    ctx.err << "error: " << spec.status().message() << "\n";
    return 1;
  }
  Schedule schedule;
  schedule.set_api_version("velero.io/v1");
  schedule.set_kind("Schedule");
  schedule.mutable_metadata()->set_namespace_(api::kVeleroNamespace);
  schedule.mutable_metadata()->set_name(args.positional[2]);
  schedule.mutable_spec()->set_schedule(args.Get("schedule"));
  *schedule.mutable_spec()->mutable_template_() = *spec;
  if (args.Has("use-owner-references-in-backup")) {
    schedule.mutable_spec()->set_use_owner_references_in_backup(
        args.Get("use-owner-references-in-backup") == "true");
  }
  auto created = ClientFor<Schedule>(ctx).Create(schedule);
  if (!created.ok()) return PrintError(created.status(), ctx);
  ctx.out << "Schedule \"" << args.positional[2] << "\" created successfully.\n";
  return 0;
}

int ScheduleGet(const Args&, Context& ctx) {
  auto list = ClientFor<Schedule>(ctx).List(InVelero());
  if (!list.ok()) return PrintError(list.status(), ctx);
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "STATUS", "CREATED", "SCHEDULE", "BACKUP TTL", "LAST BACKUP", "SELECTOR", "PAUSED"}};
  for (const auto& s : list->items()) {
    std::string last = "n/a";
    if (s.status().has_last_backup()) {
      last = ShortHumanDuration(absl::Now() - FromTimestamp(s.status().last_backup())) + " ago";
    }
    rows.push_back({s.metadata().name(), s.status().phase().empty() ? "New" : s.status().phase(),
                    Time(s.metadata().creation_timestamp()), s.spec().schedule(),
                    s.spec().template_().ttl(), last, SelectorOf(s.spec().template_()),
                    s.spec().paused() ? "true" : "false"});
  }
  PrintRows(ctx.out, rows);
  return 0;
}

int RestoreCreate(const Args& args, Context& ctx) {
  if (args.Has("from-backup") == args.Has("from-schedule")) {
    ctx.err << "error: either --from-backup or --from-schedule must be set, but not both\n";
    return 1;
  }
  const std::string source =
      args.Has("from-backup") ? args.Get("from-backup") : args.Get("from-schedule");
  Restore restore;
  restore.set_api_version("velero.io/v1");
  restore.set_kind("Restore");
  restore.mutable_metadata()->set_namespace_(api::kVeleroNamespace);
  restore.mutable_metadata()->set_name(
      args.positional.size() > 2
          ? args.positional[2]
          : absl::StrCat(source, "-",
                         absl::FormatTime("%Y%m%d%H%M%S", absl::Now(), absl::UTCTimeZone())));
  auto& spec = *restore.mutable_spec();
  if (args.Has("from-backup")) spec.set_backup_name(source);
  if (args.Has("from-schedule")) spec.set_schedule_name(source);
  AddListFlag(args, "include-namespaces", spec.mutable_included_namespaces());
  AddListFlag(args, "exclude-namespaces", spec.mutable_excluded_namespaces());
  AddListFlag(args, "include-resources", spec.mutable_included_resources());
  AddListFlag(args, "exclude-resources", spec.mutable_excluded_resources());
  for (const auto& pair : CommaList(args.Get("namespace-mappings"))) {
    std::vector<std::string> parts = absl::StrSplit(pair, ':');
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
      ctx.err << "error: --namespace-mappings: \"" << pair
              << "\" is not SOURCE:TARGET (e.g. prod:staging)\n";
      return 1;
    }
    (*spec.mutable_namespace_mapping())[parts[0]] = parts[1];
  }
  if (args.Has("selector")) {
    if (absl::Status s = SelectorFlag(args, spec.mutable_label_selector()); !s.ok()) {
      ctx.err << "error: " << s.message() << "\n";
      return 1;
    }
  }
  if (args.Has("restore-volumes")) spec.set_restore_pvs(args.Get("restore-volumes") == "true");
  auto created = ClientFor<Restore>(ctx).Create(restore);
  if (!created.ok()) return PrintError(created.status(), ctx);
  const std::string& name = restore.metadata().name();
  ctx.out << "Restore request \"" << name << "\" submitted successfully.\n";
  if (args.Get("wait") == "true") return WaitFinished<Restore>(ctx, name, "restore");
  ctx.out << "Run `ordoctl restore describe " << name << "` or `ordoctl restore logs " << name
          << "` for more details.\n";
  return 0;
}

int RestoreGet(const Args&, Context& ctx) {
  auto list = ClientFor<Restore>(ctx).List(InVelero());
  if (!list.ok()) return PrintError(list.status(), ctx);
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "BACKUP", "STATUS", "STARTED", "COMPLETED", "ERRORS", "WARNINGS", "CREATED"}};
  for (const auto& r : list->items()) {
    const auto& s = r.status();
    auto labels = r.metadata().labels();
    rows.push_back({r.metadata().name(),
                    labels.contains(api::kBackupNameLabel) ? labels.at(api::kBackupNameLabel)
                                                           : r.spec().backup_name(),
                    s.phase().empty() ? "New" : s.phase(), Time(s.start_timestamp()),
                    Time(s.completion_timestamp()), absl::StrCat(s.errors()),
                    absl::StrCat(s.warnings()), Time(r.metadata().creation_timestamp())});
  }
  PrintRows(ctx.out, rows);
  return 0;
}

int RestoreDescribe(const Args& args, Context& ctx) {
  if (args.positional.size() < 3) {
    ctx.err << "error: ordoctl restore describe NAME\n";
    return 1;
  }
  auto restore = ClientFor<Restore>(ctx).Get(api::kVeleroNamespace, args.positional[2]);
  if (!restore.ok()) return PrintError(restore.status(), ctx);
  const auto& s = restore->status();
  auto& out = ctx.out;
  out << "Name:         " << restore->metadata().name() << "\n"
      << "Namespace:    " << restore->metadata().namespace_() << "\n"
      << "Phase:        " << (s.phase().empty() ? "New" : s.phase()) << "\n";
  for (const auto& e : s.validation_errors()) out << "Validation error: " << e << "\n";
  if (!s.failure_reason().empty()) out << "Failure reason: " << s.failure_reason() << "\n";
  out << "Total items to be restored:  " << s.progress().total_items() << "\n"
      << "Items restored:              " << s.progress().items_restored() << "\n\n"
      << "Started:    " << Time(s.start_timestamp()) << "\n"
      << "Completed:  " << Time(s.completion_timestamp()) << "\n\n"
      << "Errors:    " << s.errors() << "\nWarnings:  " << s.warnings() << "\n\n"
      << "Backup:  "
      << (restore->metadata().labels().contains(api::kBackupNameLabel)
              ? restore->metadata().labels().at(api::kBackupNameLabel)
              : restore->spec().backup_name())
      << "\n\nNamespace mappings:  ";
  std::vector<std::string> mappings;
  for (const auto& [from, to] : restore->spec().namespace_mapping()) {
    mappings.push_back(absl::StrCat(from, "=", to));
  }
  std::sort(mappings.begin(), mappings.end());
  out << (mappings.empty() ? "<none>" : absl::StrJoin(mappings, ", ")) << "\n";
  return 0;
}

int RestoreLogs(const Args& args, Context& ctx) {
  if (args.positional.size() < 3) {
    ctx.err << "error: ordoctl restore logs NAME\n";
    return 1;
  }
  auto restore = ClientFor<Restore>(ctx).Get(api::kVeleroNamespace, args.positional[2]);
  if (!restore.ok()) return PrintError(restore.status(), ctx);
  auto labels = restore->metadata().labels();
  auto backup =
      ClientFor<Backup>(ctx).Get(api::kVeleroNamespace, labels.contains(api::kBackupNameLabel)
                                                            ? labels.at(api::kBackupNameLabel)
                                                            : restore->spec().backup_name());
  if (!backup.ok()) return PrintError(backup.status(), ctx);
  auto dir = BackupDirOf(ctx, *backup);
  if (!dir.ok()) return PrintError(dir.status(), ctx);
  // <location>/backups/<backup> -> <location>/restores/<restore>/restore.log
  std::string root = std::filesystem::path(*dir).parent_path().parent_path().string();
  return PrintFile(ctx, absl::StrCat(root, "/restores/", args.positional[2], "/restore.log"),
                   "restore logs");
}

int Unknown(Context& ctx, const std::string& noun, const std::string& verbs) {
  ctx.err << "error: expected " << verbs << ": ordoctl " << noun << " " << verbs
          << " ...\nRun 'ordoctl " << noun << " --help' for usage.\n";
  return 1;
}

}  // namespace

int BackupCommand(const Args& args, Context& ctx) {
  const std::string verb = args.positional.size() > 1 ? args.positional[1] : "";
  if (verb == "create") return BackupCreate(args, ctx);
  if (verb == "get") return BackupGet(args, ctx);
  if (verb == "describe") return BackupDescribe(args, ctx);
  if (verb == "logs") return BackupLogs(args, ctx);
  if (verb == "delete") return BackupDelete(args, ctx);
  return Unknown(ctx, "backup", "create|get|describe|logs|delete");
}

int ScheduleCommand(const Args& args, Context& ctx) {
  const std::string verb = args.positional.size() > 1 ? args.positional[1] : "";
  if (verb == "create") return ScheduleCreate(args, ctx);
  if (verb == "get") return ScheduleGet(args, ctx);
  return Unknown(ctx, "schedule", "create|get");
}

int RestoreCommand(const Args& args, Context& ctx) {
  const std::string verb = args.positional.size() > 1 ? args.positional[1] : "";
  if (verb == "create") return RestoreCreate(args, ctx);
  if (verb == "get") return RestoreGet(args, ctx);
  if (verb == "describe") return RestoreDescribe(args, ctx);
  if (verb == "logs") return RestoreLogs(args, ctx);
  return Unknown(ctx, "restore", "create|get|describe|logs");
}

}  // namespace ordo::ctl
