// The restore plan: claims (each after its own snapshot of the backup's
// data) before the Service before the StatefulSet; a set's pods and
// revisions skipped and said; old identity dropped; namespaces mapped.
#include "services/controller-manager/backup/restore_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/api/object_meta.h"
#include "common/api/velero.h"

namespace ordo::backup {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kBackedUp[] = R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: shop, uid: set-uid, resourceVersion: "7", labels: {app: web}}
spec:
  serviceName: web
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: sh}]}
status: {replicas: 2}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-0
  namespace: shop
  labels: {app: web}
  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: web, uid: set-uid, controller: true}]
spec: {containers: [{name: c, image: sh}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: front, namespace: shop, labels: {app: web}}
spec: {clusterIP: 10.96.0.12, clusterIPs: [10.96.0.12], selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: www-web-0
  namespace: shop
  labels: {app: web}
  annotations: {pv.kubernetes.io/bind-completed: "yes", team: a}
  finalizers: [kubernetes.io/pvc-protection]
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: local-path
  volumeName: pvc-123
  resources: {requests: {storage: 1Mi}}
status: {phase: Bound}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
)";

std::vector<manifest::Object> Objects() {
  auto decoded = manifest::Decode(kBackedUp, "backup");
  EXPECT_TRUE(decoded.ok()) << decoded.status();
  return decoded.ok() ? std::move(*decoded) : std::vector<manifest::Object>{};
}

velero::v1::BackupManifest WithData() {
  velero::v1::BackupManifest manifest;
  auto* volume = manifest.add_volumes();
  volume->set_namespace_("shop");
  volume->set_claim("www-web-0");
  volume->set_driver("ordo.io/local-path");
  return manifest;
}

std::vector<std::string> Names(const RestorePlan& plan) {
  std::vector<std::string> names;
  for (const auto& item : plan.items) {
    const auto& meta = api::MetaOf(*item.object);
    names.push_back(absl::StrCat(item.info->kind, " ", meta.namespace_(),
                                 meta.namespace_().empty() ? "" : "/", meta.name()));
  }
  return names;
}

velero::v1::Restore RestoreNamed(const std::string& name) {
  velero::v1::Restore restore;
  restore.mutable_metadata()->set_name(name);
  restore.mutable_spec()->set_backup_name("b1");
  return restore;
}

TEST(RestorePlanTest, ClaimsComeFirstEachFromItsOwnDataThenServicesThenTheSet) {
  RestorePlan plan = PlanRestore(Objects(), RestoreNamed("r1"), "b1", WithData(), "/backups/b1");
  EXPECT_THAT(Names(plan), ElementsAre("Namespace shop", "VolumeSnapshotContent r1-shop-www-web-0",
                                       "VolumeSnapshot shop/r1-www-web-0",
                                       "PersistentVolumeClaim shop/www-web-0", "Service shop/web",
                                       "Service shop/front", "StatefulSet shop/web"));
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_THAT(plan.skipped[0], HasSubstr("pods shop/web-0: owned by StatefulSet web"));

  const auto& content =
      static_cast<const snapshot::v1::VolumeSnapshotContent&>(*plan.items[1].object);
  EXPECT_EQ(content.spec().source().snapshot_handle(), "/backups/b1/volumes/shop/www-web-0");
  EXPECT_EQ(content.spec().deletion_policy(), "Retain");
  EXPECT_EQ(content.spec().driver(), "ordo.io/local-path");
  EXPECT_EQ(content.spec().volume_snapshot_ref().name(), "r1-www-web-0");

  const auto& claim = static_cast<const core::v1::PersistentVolumeClaim&>(*plan.items[3].object);
  EXPECT_EQ(claim.spec().data_source().kind(), "VolumeSnapshot");
  EXPECT_EQ(claim.spec().data_source().name(), "r1-www-web-0");
  EXPECT_TRUE(claim.spec().volume_name().empty());
  EXPECT_FALSE(claim.has_status());
  EXPECT_TRUE(claim.metadata().finalizers().empty());
  EXPECT_FALSE(claim.metadata().annotations().contains("pv.kubernetes.io/bind-completed"));
  EXPECT_EQ(claim.metadata().annotations().at("team"), "a");
  EXPECT_EQ(claim.metadata().labels().at(api::kRestoreNameLabel), "r1");
  EXPECT_EQ(claim.metadata().labels().at(api::kBackupNameLabel), "b1");

  const auto& headless = static_cast<const core::v1::Service&>(*plan.items[4].object);
  EXPECT_EQ(headless.spec().cluster_ip(), "None");
  const auto& front = static_cast<const core::v1::Service&>(*plan.items[5].object);
  EXPECT_TRUE(front.spec().cluster_ip().empty());
  EXPECT_TRUE(front.spec().cluster_ips().empty());

  const auto& set = static_cast<const apps::v1::StatefulSet&>(*plan.items[6].object);
  EXPECT_TRUE(set.metadata().uid().empty());
  EXPECT_TRUE(set.metadata().resource_version().empty());
  EXPECT_FALSE(set.has_status());
  EXPECT_EQ(set.spec().replicas(), 2);
}

TEST(RestorePlanTest, NamespaceMappingMovesEverythingAndTheDataStaysWhereItWas) {
  velero::v1::Restore restore = RestoreNamed("r2");
  (*restore.mutable_spec()->mutable_namespace_mapping())["shop"] = "shop-copy";
  RestorePlan plan = PlanRestore(Objects(), restore, "b1", WithData(), "/backups/b1");
  EXPECT_THAT(Names(plan),
              ElementsAre("Namespace shop-copy", "VolumeSnapshotContent r2-shop-copy-www-web-0",
                          "VolumeSnapshot shop-copy/r2-www-web-0",
                          "PersistentVolumeClaim shop-copy/www-web-0", "Service shop-copy/web",
                          "Service shop-copy/front", "StatefulSet shop-copy/web"));
  const auto& content =
      static_cast<const snapshot::v1::VolumeSnapshotContent&>(*plan.items[1].object);
  EXPECT_EQ(content.spec().source().snapshot_handle(), "/backups/b1/volumes/shop/www-web-0");
  EXPECT_EQ(content.spec().volume_snapshot_ref().namespace_(), "shop-copy");
}

TEST(RestorePlanTest, FiltersAndRestorePVsFalse) {
  velero::v1::Restore restore = RestoreNamed("r3");
  restore.mutable_spec()->add_included_resources("persistentvolumeclaims");
  restore.mutable_spec()->set_restore_pvs(false);
  RestorePlan plan = PlanRestore(Objects(), restore, "b1", WithData(), "/backups/b1");
  EXPECT_THAT(Names(plan), ElementsAre("PersistentVolumeClaim shop/www-web-0"));
  const auto& claim = static_cast<const core::v1::PersistentVolumeClaim&>(*plan.items[0].object);
  EXPECT_FALSE(claim.spec().has_data_source());

  velero::v1::Restore other = RestoreNamed("r4");
  other.mutable_spec()->add_included_namespaces("elsewhere");
  EXPECT_TRUE(PlanRestore(Objects(), other, "b1", WithData(), "/b").items.empty());
}

}  // namespace
}  // namespace ordo::backup
