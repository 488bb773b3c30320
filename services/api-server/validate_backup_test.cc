// Validation and defaults of the snapshot.storage.k8s.io and velero.io kinds,
// and of a claim's dataSource: every mistake names its field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/api-server/defaults.h"
#include "services/api-server/validation.h"

namespace ordo::apiserver {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> Fields(const FieldErrors& errs) {
  std::vector<std::string> out;
  for (const auto& e : errs) out.push_back(e.field);
  return out;
}

std::string Text(const FieldErrors& errs) {
  std::string out;
  for (const auto& e : errs) out += e.ToString() + "\n";
  return out;
}

TEST(SnapshotValidationTest, AClassNeedsADriverAndAPolicy) {
  snapshot::v1::VolumeSnapshotClass c;
  c.mutable_metadata()->set_name("local");
  EXPECT_THAT(Fields(ValidateVolumeSnapshotClass(c)), ElementsAre("driver", "deletionPolicy"));
  c.set_driver("ordo.io/local-path");
  c.set_deletion_policy("Keep");
  EXPECT_THAT(Text(ValidateVolumeSnapshotClass(c)),
              HasSubstr("deletionPolicy: Unsupported value: \"Keep\""));
  c.set_deletion_policy("Delete");
  (*c.mutable_parameters())["location"] = "relative/dir";
  EXPECT_THAT(Fields(ValidateVolumeSnapshotClass(c)), ElementsAre("parameters[location]"));
  (*c.mutable_parameters())["location"] = "/srv/snapshots";
  EXPECT_THAT(ValidateVolumeSnapshotClass(c), IsEmpty());
  snapshot::v1::VolumeSnapshotClass changed = c;
  changed.set_deletion_policy("Retain");
  EXPECT_THAT(ValidateVolumeSnapshotClassUpdate(changed, c), IsEmpty());
  (*changed.mutable_parameters())["location"] = "/elsewhere";
  EXPECT_THAT(Fields(ValidateVolumeSnapshotClassUpdate(changed, c)), ElementsAre("parameters"));
}

TEST(SnapshotValidationTest, ASnapshotHasExactlyOneSourceThatNeverChanges) {
  snapshot::v1::VolumeSnapshot vs;
  vs.mutable_metadata()->set_name("www-web-0-1");
  vs.mutable_metadata()->set_namespace_("default");
  EXPECT_THAT(Text(ValidateVolumeSnapshot(vs)),
              HasSubstr("Exactly one of volumeSnapshotContentName and persistentVolumeClaimName "
                        "must be set"));
  vs.mutable_spec()->mutable_source()->set_persistent_volume_claim_name("www-web-0");
  EXPECT_THAT(ValidateVolumeSnapshot(vs), IsEmpty());
  vs.mutable_spec()->mutable_source()->set_volume_snapshot_content_name("snapcontent-1");
  EXPECT_THAT(Fields(ValidateVolumeSnapshot(vs)), ElementsAre("spec.source"));
  vs.mutable_spec()->mutable_source()->clear_volume_snapshot_content_name();
  snapshot::v1::VolumeSnapshot changed = vs;
  changed.mutable_spec()->mutable_source()->set_persistent_volume_claim_name("www-web-1");
  EXPECT_THAT(Text(ValidateVolumeSnapshotUpdate(changed, vs)),
              HasSubstr("spec.source is immutable"));
}

TEST(SnapshotValidationTest, AContentNamesItsSnapshotAndOneSource) {
  snapshot::v1::VolumeSnapshotContent c;
  c.mutable_metadata()->set_name("snapcontent-1");
  EXPECT_THAT(Fields(ValidateVolumeSnapshotContent(c)),
              ElementsAre("spec.volumeSnapshotRef.name", "spec.volumeSnapshotRef.namespace",
                          "spec.deletionPolicy", "spec.driver", "spec.source"));
  c.mutable_spec()->mutable_volume_snapshot_ref()->set_name("www-web-0-1");
  c.mutable_spec()->mutable_volume_snapshot_ref()->set_namespace_("default");
  c.mutable_spec()->set_deletion_policy("Delete");
  c.mutable_spec()->set_driver("ordo.io/local-path");
  c.mutable_spec()->mutable_source()->set_volume_handle("pvc-1");
  EXPECT_THAT(ValidateVolumeSnapshotContent(c), IsEmpty());
}

TEST(VeleroValidationTest, BackupsDefaultTheirTtlAndNeverChange) {
  velero::v1::Backup b;
  b.mutable_metadata()->set_name("nightly");
  b.mutable_metadata()->set_namespace_("velero");
  DefaultBackup(b);
  EXPECT_EQ(b.spec().ttl(), "720h0m0s");
  EXPECT_THAT(ValidateBackup(b), IsEmpty());
  b.mutable_spec()->set_ttl("a week");
  b.mutable_spec()->add_included_namespaces("Bad_NS");
  b.mutable_spec()->add_included_resources("");
  EXPECT_THAT(Fields(ValidateBackup(b)),
              ElementsAre("spec.includedNamespaces[0]", "spec.includedResources[0]", "spec.ttl"));
  velero::v1::Backup ok;
  ok.mutable_metadata()->set_name("nightly");
  ok.mutable_metadata()->set_namespace_("velero");
  DefaultBackup(ok);
  velero::v1::Backup changed = ok;
  changed.mutable_spec()->add_included_namespaces("default");
  EXPECT_THAT(Text(ValidateBackupUpdate(changed, ok)), HasSubstr("spec is immutable"));
}

TEST(VeleroValidationTest, ARestoreNamesOneBackupOrOneSchedule) {
  velero::v1::Restore r;
  r.mutable_metadata()->set_name("r1");
  r.mutable_metadata()->set_namespace_("velero");
  EXPECT_THAT(Text(ValidateRestore(r)),
              HasSubstr("either a backup or a schedule must be specified"));
  r.mutable_spec()->set_backup_name("nightly");
  (*r.mutable_spec()->mutable_namespace_mapping())["default"] = "restored";
  EXPECT_THAT(ValidateRestore(r), IsEmpty());
  r.mutable_spec()->set_schedule_name("every-6h");
  EXPECT_THAT(Fields(ValidateRestore(r)), ElementsAre("spec.backupName"));
  r.mutable_spec()->clear_schedule_name();
  r.mutable_spec()->set_existing_resource_policy("update");
  EXPECT_THAT(Fields(ValidateRestore(r)), ElementsAre("spec.existingResourcePolicy"));
}

TEST(VeleroValidationTest, ASchedulesCronMustParse) {
  velero::v1::Schedule s;
  s.mutable_metadata()->set_name("every-6h");
  s.mutable_metadata()->set_namespace_("velero");
  EXPECT_THAT(Fields(ValidateSchedule(s)), ElementsAre("spec.schedule"));
  s.mutable_spec()->set_schedule("0 */6 * * *");
  DefaultSchedule(s);
  EXPECT_EQ(s.spec().template_().ttl(), "720h0m0s");
  EXPECT_THAT(ValidateSchedule(s), IsEmpty());
  s.mutable_spec()->set_schedule("0 */6 * *");
  EXPECT_THAT(Text(ValidateSchedule(s)), HasSubstr("invalid schedule: expected exactly 5 fields"));
}

TEST(VeleroValidationTest, AStorageLocationIsADirectory) {
  velero::v1::BackupStorageLocation l;
  l.mutable_metadata()->set_name("default");
  l.mutable_metadata()->set_namespace_("velero");
  DefaultBackupStorageLocation(l);
  EXPECT_EQ(l.spec().access_mode(), "ReadWrite");
  EXPECT_THAT(Fields(ValidateBackupStorageLocation(l)),
              ElementsAre("spec.provider", "spec.config[path]"));
  l.mutable_spec()->set_provider("aws");
  (*l.mutable_spec()->mutable_config())["path"] = "/srv/ordo-backups";
  EXPECT_THAT(Text(ValidateBackupStorageLocation(l)),
              HasSubstr("spec.provider: Unsupported value: \"aws\""));
  l.mutable_spec()->set_provider("ordo.io/directory");
  EXPECT_THAT(ValidateBackupStorageLocation(l), IsEmpty());
}

TEST(ClaimValidationTest, ADataSourceIsAVolumeSnapshot) {
  core::v1::PersistentVolumeClaim pvc;
  pvc.mutable_metadata()->set_name("www-web-0");
  pvc.mutable_metadata()->set_namespace_("default");
  pvc.mutable_spec()->add_access_modes("ReadWriteOnce");
  (*pvc.mutable_spec()->mutable_resources()->mutable_requests())["storage"] = "1Mi";
  auto* ds = pvc.mutable_spec()->mutable_data_source();
  ds->set_kind("ConfigMap");
  ds->set_name("x");
  EXPECT_THAT(Fields(ValidatePersistentVolumeClaim(pvc)), ElementsAre("spec.dataSource"));
  ds->set_kind("VolumeSnapshot");
  ds->set_api_group("snapshot.storage.k8s.io");
  EXPECT_THAT(ValidatePersistentVolumeClaim(pvc), IsEmpty());
}

}  // namespace
}  // namespace ordo::apiserver
