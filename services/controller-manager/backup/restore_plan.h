// PlanRestore turns what a backup holds into the objects a Restore creates,
// in the order it creates them (Velero's restore priorities, as they bear on
// a StatefulSet): Namespaces; ServiceAccounts, ConfigMaps, Secrets; then per
// claim with data in the backup a VolumeSnapshotContent around that data
// (policy Retain: the backup keeps it) and a VolumeSnapshot of it; the
// claims, each with that snapshot as its dataSource; Services; then every
// other kind, workloads (StatefulSets) after what they use; bare pods last.
// Objects are filtered by the Restore's namespaces, resources and label
// selector and moved by its namespaceMapping. What the cluster makes again
// is skipped and said: objects with a controller owner (a set's pods and
// revisions), Endpoints, Events, PersistentVolumes and Nodes, and the backup
// machinery itself. Restored objects keep their spec, labels and
// annotations, get velero.io/backup-name and velero.io/restore-name labels,
// and lose what identified them in the old cluster: uid, resourceVersion,
// creation time, owner references, finalizers, status, a claim's bound
// volume, a Service's cluster IPs (a headless "None" is kept).
// Pure; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/generic_client.h"
#include "common/manifest/manifest.h"
#include "ordo/velero/v1/backup_manifest.pb.h"
#include "ordo/velero/v1/velero.pb.h"

namespace ordo::backup {

struct RestoreItem {
  const api::ResourceInfo* info = nullptr;
  api::MessagePtr object;
};

struct RestorePlan {
  std::vector<RestoreItem> items;    // in the order to create them
  std::vector<std::string> skipped;  // one line each: what, and why
};

// Lower is restored first.
int RestorePriority(const api::ResourceInfo& info);

// `backup_dir` is where the backup's directory is on this host: each
// claim's snapshotHandle is <backup_dir>/volumes/<ns>/<claim>.
RestorePlan PlanRestore(std::vector<manifest::Object> objects, const velero::v1::Restore& restore,
                        const std::string& backup_name, const velero::v1::BackupManifest& manifest,
                        const std::string& backup_dir);

}  // namespace ordo::backup
