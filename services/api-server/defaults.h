// Defaulting of every kind, as Kubernetes' SetDefaults_* functions do it
// (reference §1.3 for StatefulSet; pod defaults from core/v1). Runs before
// validation on create and update. Pure functions; safe from any thread.
#pragma once

#include "ordo/apps/v1/apps.pb.h"
#include "ordo/core/v1/core.pb.h"
#include "ordo/policy/v1/policy.pb.h"
#include "ordo/rbac/v1/rbac.pb.h"
#include "ordo/storage/v1/storage.pb.h"
#include "ordo/velero/v1/velero.pb.h"

namespace ordo::apiserver {

void DefaultPodSpec(core::v1::PodSpec& spec);
void DefaultPod(core::v1::Pod& pod);
void DefaultService(core::v1::Service& svc);
void DefaultEndpoints(core::v1::Endpoints& ep);
void DefaultPersistentVolume(core::v1::PersistentVolume& pv);
void DefaultPersistentVolumeClaimSpec(core::v1::PersistentVolumeClaimSpec& spec);
void DefaultPersistentVolumeClaim(core::v1::PersistentVolumeClaim& pvc);
void DefaultStatefulSet(apps::v1::StatefulSet& set);
void DefaultStorageClass(storage::v1::StorageClass& sc);
// A User or Group subject's apiGroup defaults to rbac.authorization.k8s.io.
void DefaultRoleBinding(rbac::v1::RoleBinding& binding);
void DefaultClusterRoleBinding(rbac::v1::ClusterRoleBinding& binding);

// Velero's: a backup is kept 30 days ("720h0m0s"); a storage location is
// ReadWrite, synced every minute.
void DefaultBackup(velero::v1::Backup& backup);
void DefaultSchedule(velero::v1::Schedule& schedule);
void DefaultBackupStorageLocation(velero::v1::BackupStorageLocation& location);

}  // namespace ordo::apiserver
