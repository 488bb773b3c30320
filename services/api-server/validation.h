// Validation of every kind, as Kubernetes' apis/*/validation packages do it:
// each function returns every problem it finds as a FieldError with a JSON field
// path, worded as Kubernetes words it; empty means valid. Create-time checks are
// Validate<Kind>; update-time checks (immutability) are Validate<Kind>Update and
// run in addition to the create-time checks on the new object.
// Pure functions; safe from any thread.
#pragma once

#include "common/status/field_errors.h"
#include "google/protobuf/struct.pb.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/coordination/v1/coordination.pb.h"
#include "ordo/core/v1/core.pb.h"
#include "ordo/meta/v1/meta.pb.h"
#include "ordo/policy/v1/policy.pb.h"
#include "ordo/rbac/v1/rbac.pb.h"
#include "ordo/snapshot/v1/snapshot.pb.h"
#include "ordo/storage/v1/storage.pb.h"
#include "ordo/velero/v1/velero.pb.h"

namespace ordo::apiserver {

using status::FieldErrors;
using status::FieldPath;

// ---- shared pieces (validate_meta.cc) ----
// Moves every error of `more` onto the end of `errs`.
void Append(FieldErrors& errs, FieldErrors more);
enum class NameRule { kDns1123Label, kDns1123Subdomain, kDns1035Label, kPathSegment };
FieldErrors ValidateObjectMeta(const meta::v1::ObjectMeta& meta, bool namespaced, NameRule rule,
                               const FieldPath& path);
FieldErrors ValidateObjectMetaUpdate(const meta::v1::ObjectMeta& updated,
                                     const meta::v1::ObjectMeta& old, const FieldPath& path);
FieldErrors ValidateLabels(const google::protobuf::Map<std::string, std::string>& labels,
                           const FieldPath& path);
FieldErrors ValidateLabelSelector(const meta::v1::LabelSelector& selector, const FieldPath& path);
FieldErrors ValidateNonNegative(int64_t value, const FieldPath& path);
FieldErrors ValidateResourceList(const google::protobuf::Map<std::string, std::string>& resources,
                                 const FieldPath& path);
// An int-or-string that must be an integer >= 0 or a percentage "N%".
FieldErrors ValidateIntOrPercent(const google::protobuf::Value& value, const FieldPath& path);
// Renders an int-or-string value for messages: 3 or "50%".
std::string RenderIntOrString(const google::protobuf::Value& value);
// A port number or an IANA service name.
FieldErrors ValidatePortNumOrName(const google::protobuf::Value& value, const FieldPath& path);
// Whether `s` is an IPv4 or IPv6 address.
bool IsIp(const std::string& s);
FieldErrors ValidateOneOf(absl::string_view value, const std::vector<std::string>& allowed,
                          const FieldPath& path, bool allow_empty = false);

// ---- core/v1 (validate_pod.cc, validate_core.cc) ----
// `extra_volumes` names volumes that will exist though the spec does not list
// them: a StatefulSet's volumeClaimTemplates become pod volumes.
FieldErrors ValidatePodSpec(const core::v1::PodSpec& spec, const FieldPath& path,
                            const std::vector<std::string>& extra_volumes = {});
FieldErrors ValidatePodTemplateSpec(const core::v1::PodTemplateSpec& tmpl, const FieldPath& path,
                                    const std::vector<std::string>& extra_volumes = {});
FieldErrors ValidatePod(const core::v1::Pod& pod);
FieldErrors ValidatePodUpdate(const core::v1::Pod& updated, const core::v1::Pod& old);
FieldErrors ValidatePodStatus(const core::v1::Pod& pod);
FieldErrors ValidateNamespace(const core::v1::Namespace& ns);
FieldErrors ValidateNode(const core::v1::Node& node);
FieldErrors ValidateService(const core::v1::Service& svc);
FieldErrors ValidateServiceUpdate(const core::v1::Service& updated, const core::v1::Service& old);
FieldErrors ValidateEndpoints(const core::v1::Endpoints& ep);
FieldErrors ValidatePersistentVolume(const core::v1::PersistentVolume& pv);
FieldErrors ValidatePersistentVolumeClaimSpec(const core::v1::PersistentVolumeClaimSpec& spec,
                                              const FieldPath& path);
FieldErrors ValidatePersistentVolumeClaim(const core::v1::PersistentVolumeClaim& pvc);
FieldErrors ValidatePersistentVolumeClaimUpdate(const core::v1::PersistentVolumeClaim& updated,
                                                const core::v1::PersistentVolumeClaim& old);
FieldErrors ValidateEvent(const core::v1::Event& event);

// ---- apps/v1 (validate_apps.cc) ----
// StatefulSet names are capped at 52 characters so the controller-revision-hash
// label "<name>-<hash>" always fits in 63 (reference §1.2; Kubernetes #64023).
inline constexpr int kMaxStatefulSetNameLength = 52;
FieldErrors ValidateStatefulSet(const apps::v1::StatefulSet& set);
FieldErrors ValidateStatefulSetUpdate(const apps::v1::StatefulSet& updated,
                                      const apps::v1::StatefulSet& old);
FieldErrors ValidateStatefulSetStatus(const apps::v1::StatefulSet& updated,
                                      const apps::v1::StatefulSet& old);
FieldErrors ValidateControllerRevision(const apps::v1::ControllerRevision& rev);
FieldErrors ValidateControllerRevisionUpdate(const apps::v1::ControllerRevision& updated,
                                             const apps::v1::ControllerRevision& old);

// ---- storage, policy, coordination (validate_cluster.cc) ----
FieldErrors ValidateStorageClass(const storage::v1::StorageClass& sc);
FieldErrors ValidateStorageClassUpdate(const storage::v1::StorageClass& updated,
                                       const storage::v1::StorageClass& old);
FieldErrors ValidatePodDisruptionBudget(const policy::v1::PodDisruptionBudget& pdb);
FieldErrors ValidateLease(const coordination::v1::Lease& lease);

// ---- snapshot.storage.k8s.io and velero.io (validate_backup.cc) ----
FieldErrors ValidateVolumeSnapshotClass(const snapshot::v1::VolumeSnapshotClass& c);
FieldErrors ValidateVolumeSnapshotClassUpdate(const snapshot::v1::VolumeSnapshotClass& updated,
                                              const snapshot::v1::VolumeSnapshotClass& old);
FieldErrors ValidateVolumeSnapshot(const snapshot::v1::VolumeSnapshot& vs);
FieldErrors ValidateVolumeSnapshotUpdate(const snapshot::v1::VolumeSnapshot& updated,
                                         const snapshot::v1::VolumeSnapshot& old);
FieldErrors ValidateVolumeSnapshotContent(const snapshot::v1::VolumeSnapshotContent& c);
FieldErrors ValidateVolumeSnapshotContentUpdate(const snapshot::v1::VolumeSnapshotContent& updated,
                                                const snapshot::v1::VolumeSnapshotContent& old);
FieldErrors ValidateBackupSpec(const velero::v1::BackupSpec& spec, const FieldPath& path);
FieldErrors ValidateBackup(const velero::v1::Backup& b);
FieldErrors ValidateBackupUpdate(const velero::v1::Backup& updated, const velero::v1::Backup& old);
FieldErrors ValidateRestore(const velero::v1::Restore& r);
FieldErrors ValidateRestoreUpdate(const velero::v1::Restore& updated,
                                  const velero::v1::Restore& old);
FieldErrors ValidateSchedule(const velero::v1::Schedule& s);
FieldErrors ValidateBackupStorageLocation(const velero::v1::BackupStorageLocation& l);

// ---- rbac.authorization.k8s.io (validate_rbac.cc) ----
FieldErrors ValidateRole(const rbac::v1::Role& role);
FieldErrors ValidateClusterRole(const rbac::v1::ClusterRole& role);
FieldErrors ValidateRoleBinding(const rbac::v1::RoleBinding& binding);
FieldErrors ValidateRoleBindingUpdate(const rbac::v1::RoleBinding& updated,
                                      const rbac::v1::RoleBinding& old);
FieldErrors ValidateClusterRoleBinding(const rbac::v1::ClusterRoleBinding& binding);
FieldErrors ValidateClusterRoleBindingUpdate(const rbac::v1::ClusterRoleBinding& updated,
                                             const rbac::v1::ClusterRoleBinding& old);

}  // namespace ordo::apiserver
