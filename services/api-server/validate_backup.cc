// Validation of snapshot.storage.k8s.io (the external-snapshotter's CRD
// rules: exactly one source, the source never changes, deletionPolicy Delete
// or Retain) and of velero.io's Backup, Restore, Schedule and
// BackupStorageLocation (Velero's server checks, made at the door: a ttl
// that parses, a cron schedule that parses, a restore naming one backup or
// one schedule, the one storage provider ordo has).
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cron/cron.h"
#include "common/naming/naming.h"
#include "services/api-server/object_access.h"
#include "services/api-server/validation.h"

namespace ordo::apiserver {

using status::Forbidden;
using status::Invalid;
using status::NotSupported;
using status::Quote;
using status::Required;

namespace {

FieldErrors ValidateName(const std::string& name, const FieldPath& path, bool required) {
  FieldErrors errs;
  if (name.empty()) {
    if (required) errs.push_back(Required(path));
    return errs;
  }
  for (const auto& p : naming::IsDns1123Subdomain(name)) {
    errs.push_back(Invalid(path, Quote(name), p));
  }
  return errs;
}

FieldErrors ValidateDeletionPolicy(const std::string& policy, const FieldPath& path) {
  FieldErrors errs;
  if (policy.empty()) {
    errs.push_back(Required(path));
  } else {
    Append(errs, ValidateOneOf(policy, {"Delete", "Retain"}, path));
  }
  return errs;
}

// A Go duration as Velero writes one ("720h0m0s"), not negative.
FieldErrors ValidateGoDuration(const std::string& value, const FieldPath& path) {
  FieldErrors errs;
  absl::Duration d;
  if (value.empty()) return errs;
  if (!absl::ParseDuration(value, &d)) {
    errs.push_back(Invalid(path, Quote(value), "must be a duration such as \"720h0m0s\""));
  } else if (d < absl::ZeroDuration()) {
    errs.push_back(Invalid(path, Quote(value), "must not be negative"));
  }
  return errs;
}

FieldErrors ValidateNamespaceList(const google::protobuf::RepeatedPtrField<std::string>& names,
                                  const FieldPath& path) {
  FieldErrors errs;
  for (int i = 0; i < names.size(); ++i) {
    if (names[i] == "*") continue;
    for (const auto& p : naming::IsDns1123Label(names[i])) {
      errs.push_back(Invalid(path.Index(i), Quote(names[i]), p));
    }
  }
  return errs;
}

FieldErrors ValidateResourceNames(const google::protobuf::RepeatedPtrField<std::string>& names,
                                  const FieldPath& path) {
  FieldErrors errs;
  for (int i = 0; i < names.size(); ++i) {
    if (names[i].empty()) errs.push_back(Required(path.Index(i)));
  }
  return errs;
}

template <typename T>
FieldErrors SpecImmutable(const T& updated, const T& old) {
  FieldErrors errs =
      ValidateObjectMetaUpdate(updated.metadata(), old.metadata(), FieldPath("metadata"));
  if (DeterministicBytes(updated.spec()) != DeterministicBytes(old.spec())) {
    errs.push_back(Forbidden(FieldPath("spec"), "spec is immutable after creation"));
  }
  return errs;
}

}  // namespace

// ---- snapshot.storage.k8s.io ----

FieldErrors ValidateVolumeSnapshotClass(const snapshot::v1::VolumeSnapshotClass& c) {
  FieldErrors errs =
      ValidateObjectMeta(c.metadata(), false, NameRule::kDns1123Subdomain, FieldPath("metadata"));
  if (c.driver().empty()) errs.push_back(Required(FieldPath("driver")));
  Append(errs, ValidateDeletionPolicy(c.deletion_policy(), FieldPath("deletionPolicy")));
  auto location = c.parameters().find("location");
  if (location != c.parameters().end() && !std::filesystem::path(location->second).is_absolute()) {
    errs.push_back(Invalid(FieldPath("parameters").Key("location"), Quote(location->second),
                           "must be an absolute path"));
  }
  return errs;
}

FieldErrors ValidateVolumeSnapshotClassUpdate(const snapshot::v1::VolumeSnapshotClass& updated,
                                              const snapshot::v1::VolumeSnapshotClass& old) {
  FieldErrors errs =
      ValidateObjectMetaUpdate(updated.metadata(), old.metadata(), FieldPath("metadata"));
  if (updated.driver() != old.driver()) {
    errs.push_back(Invalid(FieldPath("driver"), Quote(updated.driver()), "field is immutable"));
  }
  bool same_parameters = updated.parameters().size() == old.parameters().size();
  for (const auto& [key, value] : updated.parameters()) {
    auto it = old.parameters().find(key);
    same_parameters = same_parameters && it != old.parameters().end() && it->second == value;
  }
  if (!same_parameters) {
    errs.push_back(Forbidden(FieldPath("parameters"), "parameters are immutable"));
  }
  return errs;
}

FieldErrors ValidateVolumeSnapshot(const snapshot::v1::VolumeSnapshot& vs) {
  FieldErrors errs =
      ValidateObjectMeta(vs.metadata(), true, NameRule::kDns1123Subdomain, FieldPath("metadata"));
  FieldPath source = FieldPath("spec").Child("source");
  const auto& s = vs.spec().source();
  if (s.has_persistent_volume_claim_name() == s.has_volume_snapshot_content_name()) {
    errs.push_back(Invalid(source, "",
                           "Exactly one of volumeSnapshotContentName and "
                           "persistentVolumeClaimName must be set"));
  }
  if (s.has_persistent_volume_claim_name()) {
    Append(errs, ValidateName(s.persistent_volume_claim_name(),
                              source.Child("persistentVolumeClaimName"), true));
  }
  if (s.has_volume_snapshot_content_name()) {
    Append(errs, ValidateName(s.volume_snapshot_content_name(),
                              source.Child("volumeSnapshotContentName"), true));
  }
  if (vs.spec().has_volume_snapshot_class_name()) {
    Append(errs, ValidateName(vs.spec().volume_snapshot_class_name(),
                              FieldPath("spec").Child("volumeSnapshotClassName"), true));
  }
  return errs;
}

FieldErrors ValidateVolumeSnapshotUpdate(const snapshot::v1::VolumeSnapshot& updated,
                                         const snapshot::v1::VolumeSnapshot& old) {
  FieldErrors errs =
      ValidateObjectMetaUpdate(updated.metadata(), old.metadata(), FieldPath("metadata"));
  if (DeterministicBytes(updated.spec().source()) != DeterministicBytes(old.spec().source())) {
    errs.push_back(Forbidden(FieldPath("spec").Child("source"), "spec.source is immutable"));
  }
  return errs;
}

FieldErrors ValidateVolumeSnapshotContent(const snapshot::v1::VolumeSnapshotContent& c) {
  FieldErrors errs =
      ValidateObjectMeta(c.metadata(), false, NameRule::kDns1123Subdomain, FieldPath("metadata"));
  FieldPath spec("spec");
  const auto& ref = c.spec().volume_snapshot_ref();
  if (ref.name().empty()) errs.push_back(Required(spec.Child("volumeSnapshotRef").Child("name")));
  if (ref.namespace_().empty()) {
    errs.push_back(Required(spec.Child("volumeSnapshotRef").Child("namespace")));
  }
  Append(errs, ValidateDeletionPolicy(c.spec().deletion_policy(), spec.Child("deletionPolicy")));
  if (c.spec().driver().empty()) errs.push_back(Required(spec.Child("driver")));
  const auto& s = c.spec().source();
  if (s.has_volume_handle() == s.has_snapshot_handle()) {
    errs.push_back(Invalid(spec.Child("source"), "",
                           "Exactly one of volumeHandle and snapshotHandle must be set"));
  }
  return errs;
}

FieldErrors ValidateVolumeSnapshotContentUpdate(const snapshot::v1::VolumeSnapshotContent& updated,
                                                const snapshot::v1::VolumeSnapshotContent& old) {
  FieldErrors errs =
      ValidateObjectMetaUpdate(updated.metadata(), old.metadata(), FieldPath("metadata"));
  if (DeterministicBytes(updated.spec().source()) != DeterministicBytes(old.spec().source())) {
    errs.push_back(Forbidden(FieldPath("spec").Child("source"), "spec.source is immutable"));
  }
  const auto& ref = old.spec().volume_snapshot_ref();
  if (!ref.uid().empty() &&
      DeterministicBytes(updated.spec().volume_snapshot_ref()) != DeterministicBytes(ref)) {
    errs.push_back(Forbidden(FieldPath("spec").Child("volumeSnapshotRef"),
                             "volumeSnapshotRef is immutable once bound"));
  }
  return errs;
}

// ---- velero.io ----

FieldErrors ValidateBackupSpec(const velero::v1::BackupSpec& spec, const FieldPath& path) {
  FieldErrors errs =
      ValidateNamespaceList(spec.included_namespaces(), path.Child("includedNamespaces"));
  Append(errs, ValidateNamespaceList(spec.excluded_namespaces(), path.Child("excludedNamespaces")));
  Append(errs, ValidateResourceNames(spec.included_resources(), path.Child("includedResources")));
  Append(errs, ValidateResourceNames(spec.excluded_resources(), path.Child("excludedResources")));
  if (spec.has_label_selector()) {
    Append(errs, ValidateLabelSelector(spec.label_selector(), path.Child("labelSelector")));
  }
  Append(errs, ValidateGoDuration(spec.ttl(), path.Child("ttl")));
  Append(errs, ValidateName(spec.storage_location(), path.Child("storageLocation"), false));
  return errs;
}

FieldErrors ValidateBackup(const velero::v1::Backup& b) {
  FieldErrors errs =
      ValidateObjectMeta(b.metadata(), true, NameRule::kDns1123Subdomain, FieldPath("metadata"));
  Append(errs, ValidateBackupSpec(b.spec(), FieldPath("spec")));
  return errs;
}

FieldErrors ValidateBackupUpdate(const velero::v1::Backup& updated, const velero::v1::Backup& old) {
  return SpecImmutable(updated, old);
}

FieldErrors ValidateRestore(const velero::v1::Restore& r) {
  FieldErrors errs =
      ValidateObjectMeta(r.metadata(), true, NameRule::kDns1123Subdomain, FieldPath("metadata"));
  FieldPath spec("spec");
  const auto& s = r.spec();
  if (s.backup_name().empty() == s.schedule_name().empty()) {
    errs.push_back(Invalid(spec.Child("backupName"), Quote(s.backup_name()),
                           "either a backup or a schedule must be specified as the source of "
                           "the restore, but not both"));
  }
  Append(errs, ValidateName(s.backup_name(), spec.Child("backupName"), false));
  Append(errs, ValidateName(s.schedule_name(), spec.Child("scheduleName"), false));
  Append(errs, ValidateNamespaceList(s.included_namespaces(), spec.Child("includedNamespaces")));
  Append(errs, ValidateNamespaceList(s.excluded_namespaces(), spec.Child("excludedNamespaces")));
  Append(errs, ValidateResourceNames(s.included_resources(), spec.Child("includedResources")));
  Append(errs, ValidateResourceNames(s.excluded_resources(), spec.Child("excludedResources")));
  for (const auto& [from, to] : s.namespace_mapping()) {
    FieldPath at = spec.Child("namespaceMapping").Key(from);
    for (const auto& p : naming::IsDns1123Label(from)) errs.push_back(Invalid(at, Quote(from), p));
    for (const auto& p : naming::IsDns1123Label(to)) errs.push_back(Invalid(at, Quote(to), p));
  }
  if (s.has_label_selector()) {
    Append(errs, ValidateLabelSelector(s.label_selector(), spec.Child("labelSelector")));
  }
  // ordo leaves existing objects alone (Velero's "none"); "update" is not built.
  Append(errs, ValidateOneOf(s.existing_resource_policy(), {"none"},
                             spec.Child("existingResourcePolicy"), true));
  return errs;
}

FieldErrors ValidateRestoreUpdate(const velero::v1::Restore& updated,
                                  const velero::v1::Restore& old) {
  return SpecImmutable(updated, old);
}

FieldErrors ValidateSchedule(const velero::v1::Schedule& s) {
  FieldErrors errs =
      ValidateObjectMeta(s.metadata(), true, NameRule::kDns1123Subdomain, FieldPath("metadata"));
  FieldPath spec("spec");
  if (s.spec().schedule().empty()) {
    errs.push_back(Required(spec.Child("schedule")));
  } else if (auto parsed = cron::Schedule::Parse(s.spec().schedule()); !parsed.ok()) {
    errs.push_back(Invalid(spec.Child("schedule"), Quote(s.spec().schedule()),
                           absl::StrCat("invalid schedule: ", parsed.status().message())));
  }
  Append(errs, ValidateBackupSpec(s.spec().template_(), spec.Child("template")));
  return errs;
}

FieldErrors ValidateBackupStorageLocation(const velero::v1::BackupStorageLocation& l) {
  FieldErrors errs =
      ValidateObjectMeta(l.metadata(), true, NameRule::kDns1123Subdomain, FieldPath("metadata"));
  FieldPath spec("spec");
  if (l.spec().provider().empty()) {
    errs.push_back(Required(spec.Child("provider")));
  } else {
    Append(errs, ValidateOneOf(l.spec().provider(), {"ordo.io/directory"}, spec.Child("provider")));
  }
  auto path = l.spec().config().find("path");
  if (path == l.spec().config().end() || path->second.empty()) {
    errs.push_back(Required(spec.Child("config").Key("path"),
                            "the directory backups are kept in, outside the cluster's data"));
  } else if (!std::filesystem::path(path->second).is_absolute()) {
    errs.push_back(
        Invalid(spec.Child("config").Key("path"), Quote(path->second), "must be an absolute path"));
  }
  Append(errs, ValidateOneOf(l.spec().access_mode(), {"ReadWrite", "ReadOnly"},
                             spec.Child("accessMode"), true));
  Append(errs, ValidateGoDuration(l.spec().backup_sync_period(), spec.Child("backupSyncPeriod")));
  return errs;
}

}  // namespace ordo::apiserver
