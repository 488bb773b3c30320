#include "services/controller-manager/backup/restore_plan.h"

#include <algorithm>
#include <functional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/api/kinds.h"
#include "common/api/object_meta.h"
#include "common/api/velero.h"
#include "common/labels/selector.h"
#include "services/controller-manager/backup/backup_location.h"
#include "services/controller-manager/backup/selection.h"

namespace ordo::backup {
namespace {

using core::v1::PersistentVolumeClaim;
using snapshot::v1::VolumeSnapshot;
using snapshot::v1::VolumeSnapshotContent;

// Why the cluster does not get this object back from a restore ("" when it
// does).
std::string SkipReason(const api::ResourceInfo& info, const meta::v1::ObjectMeta& meta) {
  static const absl::flat_hash_set<std::string> kRemade = {"Event",
                                                           "Endpoints",
                                                           "PersistentVolume",
                                                           "Node",
                                                           "Lease",
                                                           "Backup",
                                                           "Restore",
                                                           "Schedule",
                                                           "BackupStorageLocation",
                                                           "VolumeSnapshot",
                                                           "VolumeSnapshotContent"};
  if (kRemade.contains(info.kind)) return "not restored: the cluster makes its own";
  for (const auto& owner : meta.owner_references()) {
    if (owner.has_controller() && owner.controller()) {
      return absl::StrCat("owned by ", owner.kind(), " ", owner.name(), ", which makes it again");
    }
  }
  return "";
}

void SetLabel(meta::v1::ObjectMeta& meta, const std::string& key, const std::string& value) {
  if (value.size() <= 63) (*meta.mutable_labels())[key] = value;
}

// What named the object in the old cluster goes; the restore's labels come.
void Reset(google::protobuf::Message& object, const std::string& ns, const std::string& backup,
           const std::string& restore) {
  auto& meta = *api::MutableMetaOf(object);
  meta.clear_uid();
  meta.clear_resource_version();
  meta.clear_creation_timestamp();
  meta.clear_deletion_timestamp();
  meta.clear_generation();
  meta.clear_owner_references();
  meta.clear_finalizers();
  if (!meta.namespace_().empty()) meta.set_namespace_(ns);
  SetLabel(meta, api::kBackupNameLabel, backup);
  SetLabel(meta, api::kRestoreNameLabel, restore);
  if (const auto* status = object.GetDescriptor()->FindFieldByName("status")) {
    object.GetReflection()->ClearField(&object, status);
  }
}

void ResetClaim(PersistentVolumeClaim& claim) {
  claim.mutable_spec()->clear_volume_name();
  claim.mutable_spec()->clear_data_source();
  auto& annotations = *claim.mutable_metadata()->mutable_annotations();
  for (const char* bound :
       {"pv.kubernetes.io/bind-completed", "pv.kubernetes.io/bound-by-controller",
        "volume.kubernetes.io/selected-node", "volume.beta.kubernetes.io/storage-provisioner",
        "volume.kubernetes.io/storage-provisioner", "ordo.io/attached-node"}) {
    annotations.erase(bound);
  }
}

}  // namespace

int RestorePriority(const api::ResourceInfo& info) {
  static const absl::flat_hash_map<std::string, int> kOrder = {{"Namespace", 0},
                                                               {"StorageClass", 1},
                                                               {"ServiceAccount", 2},
                                                               {"ConfigMap", 2},
                                                               {"Secret", 2},
                                                               {"Role", 3},
                                                               {"RoleBinding", 3},
                                                               {"ClusterRole", 3},
                                                               {"ClusterRoleBinding", 3},
                                                               {"VolumeSnapshotContent", 4},
                                                               {"VolumeSnapshot", 5},
                                                               {"PersistentVolumeClaim", 6},
                                                               {"Service", 7},
                                                               {"Pod", 9}};
  auto it = kOrder.find(info.kind);
  return it == kOrder.end() ? 8 : it->second;
}

RestorePlan PlanRestore(std::vector<manifest::Object> objects, const velero::v1::Restore& restore,
                        const std::string& backup_name, const velero::v1::BackupManifest& manifest,
                        const std::string& backup_dir) {
  const auto& spec = restore.spec();
  const std::string& restore_name = restore.metadata().name();
  labels::LabelSelector selector;
  if (spec.has_label_selector()) {
    if (auto parsed = labels::LabelSelector::FromProto(spec.label_selector()); parsed.ok()) {
      selector = *std::move(parsed);
    }
  }
  auto mapped = [&](const std::string& ns) {
    auto it = spec.namespace_mapping().find(ns);
    return it == spec.namespace_mapping().end() ? ns : it->second;
  };
  absl::flat_hash_map<std::string, const velero::v1::BackedUpVolume*> volumes;
  for (const auto& v : manifest.volumes())
    volumes[absl::StrCat(v.namespace_(), "/", v.claim())] = &v;
  const bool restore_volumes = !(spec.has_restore_pvs() && !spec.restore_pvs());

  RestorePlan plan;
  for (auto& object : objects) {
    const api::ResourceInfo& info = *object.info;
    const auto& meta = api::MetaOf(*object.message);
    const std::string what =
        absl::StrCat(info.GroupResource(), " ",
                     meta.namespace_().empty() ? "" : meta.namespace_() + "/", meta.name());
    const std::string old_ns = info.kind == "Namespace" ? meta.name() : meta.namespace_();
    if (!old_ns.empty() && !Included(spec.included_namespaces(), spec.excluded_namespaces(),
                                     [&](const std::string& e) { return e == old_ns; })) {
      continue;
    }
    if (!Included(spec.included_resources(), spec.excluded_resources(), [&](const std::string& e) {
          return api::FindResource(e) == &info || e == info.GroupResource();
        })) {
      continue;
    }
    if (!selector.Matches(meta.labels()) && info.kind != "Namespace") continue;
    if (std::string why = SkipReason(info, meta); !why.empty()) {
      plan.skipped.push_back(absl::StrCat(what, ": ", why));
      continue;
    }
    const std::string ns = mapped(meta.namespace_());
    const std::string backup_ns = meta.namespace_();  // `meta` changes below
    const std::string claim_key = absl::StrCat(backup_ns, "/", meta.name());
    Reset(*object.message, ns, backup_name, restore_name);
    if (info.kind == "Namespace") {
      api::MutableMetaOf(*object.message)->set_name(mapped(meta.name()));
    } else if (info.kind == "Service") {
      auto& service = static_cast<core::v1::Service&>(*object.message);
      if (service.spec().cluster_ip() != "None") {
        service.mutable_spec()->clear_cluster_ip();
        service.mutable_spec()->clear_cluster_ips();
      }
    } else if (info.kind == "PersistentVolumeClaim") {
      auto& claim = static_cast<PersistentVolumeClaim&>(*object.message);
      ResetClaim(claim);
      auto volume = volumes.find(claim_key);
      if (restore_volumes && volume != volumes.end()) {
        const std::string name = claim.metadata().name();
        const std::string snapshot_name = absl::StrCat(restore_name, "-", name);
        auto content = std::make_unique<VolumeSnapshotContent>();
        content->set_api_version("snapshot.storage.k8s.io/v1");
        content->set_kind("VolumeSnapshotContent");
        content->mutable_metadata()->set_name(absl::StrCat(restore_name, "-", ns, "-", name));
        SetLabel(*content->mutable_metadata(), api::kRestoreNameLabel, restore_name);
        content->mutable_spec()->set_deletion_policy("Retain");
        content->mutable_spec()->set_driver(volume->second->driver());
        content->mutable_spec()->mutable_source()->set_snapshot_handle(
            absl::StrCat(backup_dir, "/", VolumePath(backup_ns, name)));
        content->mutable_spec()->mutable_volume_snapshot_ref()->set_namespace_(ns);
        content->mutable_spec()->mutable_volume_snapshot_ref()->set_name(snapshot_name);
        auto snapshot = std::make_unique<VolumeSnapshot>();
        snapshot->set_api_version("snapshot.storage.k8s.io/v1");
        snapshot->set_kind("VolumeSnapshot");
        snapshot->mutable_metadata()->set_namespace_(ns);
        snapshot->mutable_metadata()->set_name(snapshot_name);
        SetLabel(*snapshot->mutable_metadata(), api::kRestoreNameLabel, restore_name);
        snapshot->mutable_spec()->mutable_source()->set_volume_snapshot_content_name(
            content->metadata().name());
        auto& source = *claim.mutable_spec()->mutable_data_source();
        source.set_api_group("snapshot.storage.k8s.io");
        source.set_kind("VolumeSnapshot");
        source.set_name(snapshot_name);
        plan.items.push_back({&api::KindTraits<VolumeSnapshotContent>::Info(), std::move(content)});
        plan.items.push_back({&api::KindTraits<VolumeSnapshot>::Info(), std::move(snapshot)});
      }
    }
    plan.items.push_back({&info, std::move(object.message)});
  }
  std::stable_sort(plan.items.begin(), plan.items.end(), [](const auto& a, const auto& b) {
    return RestorePriority(*a.info) < RestorePriority(*b.info);
  });
  return plan;
}

}  // namespace ordo::backup
