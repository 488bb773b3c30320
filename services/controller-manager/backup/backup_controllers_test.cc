// The backup, schedule, location and restore controllers over a fake
// api-server and a real directory, on a fake clock: a backup selects by
// label, moves each claim's snapshot data into the location and seals it;
// it expires with its data at its ttl; a schedule runs on time and its
// backups are pruned by ttl; a second cluster on the same location sees the
// backup and restores it, leaving what exists alone.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/api/velero.h"
#include "common/api/well_known.h"
#include "common/clock/fake_clock.h"
#include "common/testing/temp_dir.h"
#include "services/controller-manager/backup/backup_controller.h"
#include "services/controller-manager/backup/fake_backup_client.h"
#include "services/controller-manager/backup/location_controller.h"
#include "services/controller-manager/backup/restore_controller.h"
#include "services/controller-manager/backup/schedule_controller.h"

namespace ordo::backup {
namespace {

using ::testing::HasSubstr;
using velero::v1::Backup;

// One cluster: a fake api-server and the four controllers over it.
struct Cluster {
  explicit Cluster(FakeClock& clock) : store(clock), client(store) {}
  BackupListers backup_listers() {
    return {store.Lister<Backup>(), store.Lister<velero::v1::BackupStorageLocation>(),
            store.Lister<snapshot::v1::VolumeSnapshot>(),
            store.Lister<snapshot::v1::VolumeSnapshotContent>()};
  }
  testing::FakeObjectStore store;
  FakeBackupClient client;
};

class BackupControllersTest : public ::testing::Test {
 protected:
  BackupControllersTest()
      : clock_(absl::FromCivil(absl::CivilMinute(2026, 12, 1, 0, 30), absl::UTCTimeZone())),
        a_(clock_),
        backups_(a_.backup_listers(), a_.client, clock_) {
    PutLocation(a_);
  }

  void PutLocation(Cluster& c) {
    velero::v1::BackupStorageLocation location;
    location.mutable_metadata()->set_namespace_(api::kVeleroNamespace);
    location.mutable_metadata()->set_name("default");
    location.mutable_spec()->set_provider("ordo.io/directory");
    location.mutable_spec()->set_default_(true);
    location.mutable_spec()->set_access_mode("ReadWrite");
    (*location.mutable_spec()->mutable_config())["path"] = dir_.path();
    c.store.Put(location);
  }

  void PutNamespace(Cluster& c, const std::string& name) {
    core::v1::Namespace ns;
    ns.mutable_metadata()->set_name(name);
    c.store.Put(ns);
  }

  // A bound claim and the objects of a set "web" (label app=web), plus an
  // unrelated Service.
  void PutWorkload() {
    PutNamespace(a_, "default");
    core::v1::PersistentVolumeClaim claim;
    claim.mutable_metadata()->set_namespace_("default");
    claim.mutable_metadata()->set_name("www-web-0");
    (*claim.mutable_metadata()->mutable_labels())["app"] = "web";
    claim.mutable_spec()->set_storage_class_name("local-path");
    claim.mutable_status()->set_phase("Bound");
    a_.store.Put(claim);
    core::v1::Service service;
    service.mutable_metadata()->set_namespace_("default");
    service.mutable_metadata()->set_name("web");
    (*service.mutable_metadata()->mutable_labels())["app"] = "web";
    service.mutable_spec()->set_cluster_ip("None");
    a_.store.Put(service);
    apps::v1::StatefulSet set;
    set.mutable_metadata()->set_namespace_("default");
    set.mutable_metadata()->set_name("web");
    (*set.mutable_metadata()->mutable_labels())["app"] = "web";
    set.mutable_spec()->set_replicas(1);
    a_.store.Put(set);
    core::v1::Service other;
    other.mutable_metadata()->set_namespace_("default");
    other.mutable_metadata()->set_name("unrelated");
    a_.store.Put(other);
  }

  Backup NewBackup(const std::string& name, const std::string& ttl = "720h0m0s") {
    Backup backup;
    backup.mutable_metadata()->set_namespace_(api::kVeleroNamespace);
    backup.mutable_metadata()->set_name(name);
    (*backup.mutable_spec()->mutable_label_selector()->mutable_match_labels())["app"] = "web";
    backup.mutable_spec()->set_ttl(ttl);
    return a_.store.Put(backup);  // no status: New
  }

  absl::Status SyncBackup(const std::string& name) {
    return backups_.Sync(absl::StrCat(api::kVeleroNamespace, "/", name));
  }
  std::shared_ptr<const Backup> Find(const std::string& name) {
    return a_.store.Find<Backup>(api::kVeleroNamespace, name);
  }

  // Plays the snapshot controller and the node: the backup's snapshot of
  // www-web-0 becomes ready over a directory holding `data`.
  void SnapshotTaken(const std::string& backup, const std::string& data) {
    const std::string dir = dir_.Join(absl::StrCat("snapshots/", backup));
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/data") << data;
    snapshot::v1::VolumeSnapshotContent content;
    content.mutable_metadata()->set_name("snapcontent-" + backup);
    (*content.mutable_metadata()->mutable_annotations())[api::kSnapshotConsistencyAnnotation] =
        "frozen";
    content.mutable_spec()->set_driver("ordo.io/local-path");
    content.mutable_status()->set_snapshot_handle(dir);
    content.mutable_status()->set_ready_to_use(true);
    content.mutable_status()->set_restore_size(static_cast<int64_t>(data.size()));
    a_.store.Put(content);
    auto vs = a_.store.Find<snapshot::v1::VolumeSnapshot>("default",
                                                          BackupSnapshotName(backup, "www-web-0"));
    ASSERT_NE(vs, nullptr);
    snapshot::v1::VolumeSnapshot ready = *vs;
    ready.mutable_status()->set_bound_volume_snapshot_content_name(content.metadata().name());
    ready.mutable_status()->set_ready_to_use(true);
    a_.store.Put(ready);
  }

  // Runs a backup of app=web to the end with `data` in its claim.
  void RunBackup(const std::string& name, const std::string& data) {
    ASSERT_TRUE(SyncBackup(name).ok());  // New -> InProgress
    ASSERT_EQ(Find(name)->status().phase(), "InProgress");
    ASSERT_TRUE(SyncBackup(name).ok());  // objects written, snapshot asked for
    EXPECT_EQ(Find(name)->status().phase(), "InProgress");
    SnapshotTaken(name, data);
    ASSERT_TRUE(SyncBackup(name).ok());
  }

  FakeClock clock_;
  testing::TempDir dir_;
  Cluster a_;
  BackupController backups_;
};

TEST_F(BackupControllersTest, ABackupHoldsTheSelectedObjectsAndTheClaimsData) {
  PutWorkload();
  NewBackup("b1");
  RunBackup("b1", "ordinal 0's data");
  auto done = Find("b1");
  ASSERT_EQ(done->status().phase(), "Completed") << done->status().failure_reason();
  EXPECT_EQ(done->status().progress().total_items(), 4);  // claim, service, set, namespace
  EXPECT_EQ(done->status().volume_snapshots_attempted(), 1);
  EXPECT_EQ(done->status().volume_snapshots_completed(), 1);
  EXPECT_EQ(done->metadata().labels().at(api::kStorageLocationLabel), "default");
  EXPECT_THAT(done->metadata().finalizers(), ::testing::Contains(api::kBackupDataFinalizer));
  EXPECT_EQ(done->status().expiration().seconds() - done->status().start_timestamp().seconds(),
            720 * 3600);

  BackupLocation location(dir_.path());
  auto manifest = location.Verify("b1");
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  ASSERT_EQ(manifest->volumes_size(), 1);
  EXPECT_EQ(manifest->volumes(0).consistency(), "frozen");
  EXPECT_EQ(testing::ReadFile(location.BackupDir("b1") + "/volumes/default/www-web-0/data"),
            "ordinal 0's data");
  EXPECT_THAT(testing::ReadFile(location.BackupDir("b1") +
                                "/resources/statefulsets.apps/namespaces/default/web.yaml"),
              HasSubstr("kind: StatefulSet"));
  EXPECT_FALSE(std::filesystem::exists(location.BackupDir("b1") +
                                       "/resources/services/namespaces/default/unrelated.yaml"));
  EXPECT_THAT(testing::ReadFile(location.BackupDir("b1") + "/backup.log"),
              HasSubstr("claim default/www-web-0: 16 bytes backed up (frozen)"));
  // The snapshot was only the way there.
  EXPECT_EQ(a_.store.Find<snapshot::v1::VolumeSnapshot>("default", "b1-www-web-0"), nullptr);
  EXPECT_FALSE(std::filesystem::exists(dir_.Join("snapshots/b1")));
}

TEST_F(BackupControllersTest, ProblemsAreNamedAndChangeNothing) {
  Backup elsewhere;
  elsewhere.mutable_metadata()->set_namespace_(api::kVeleroNamespace);
  elsewhere.mutable_metadata()->set_name("b2");
  elsewhere.mutable_spec()->set_storage_location("offsite");
  a_.store.Put(elsewhere);
  ASSERT_TRUE(SyncBackup("b2").ok());
  EXPECT_EQ(Find("b2")->status().phase(), "FailedValidation");
  EXPECT_THAT(Find("b2")->status().validation_errors(0),
              HasSubstr("backup storage location \"offsite\" not found"));
  EXPECT_FALSE(std::filesystem::exists(BackupLocation(dir_.path()).BackupDir("b2")));

  // A backup found InProgress with no run here (the process restarted) fails.
  Backup orphan = NewBackup("b3");
  orphan.mutable_status()->set_phase("InProgress");
  a_.store.Put(orphan);
  ASSERT_TRUE(SyncBackup("b3").ok());
  EXPECT_EQ(Find("b3")->status().phase(), "Failed");
  EXPECT_THAT(Find("b3")->status().failure_reason(), HasSubstr("restarted"));
}

TEST_F(BackupControllersTest, AnExpiredBackupGoesWithItsData) {
  PutWorkload();
  NewBackup("short", "1h");
  RunBackup("short", "x");
  ASSERT_EQ(Find("short")->status().phase(), "Completed");
  const std::string data = BackupLocation(dir_.path()).BackupDir("short");
  ASSERT_TRUE(std::filesystem::exists(data));
  clock_.Advance(absl::Minutes(59));
  ASSERT_TRUE(SyncBackup("short").ok());
  EXPECT_FALSE(Find("short")->metadata().has_deletion_timestamp());
  clock_.Advance(absl::Minutes(2));
  ASSERT_TRUE(SyncBackup("short").ok());  // deleted: the finalizer holds it
  ASSERT_TRUE(Find("short")->metadata().has_deletion_timestamp());
  ASSERT_TRUE(SyncBackup("short").ok());  // the finalizer's work
  EXPECT_EQ(Find("short"), nullptr);
  EXPECT_FALSE(std::filesystem::exists(data));
}

TEST_F(BackupControllersTest, AScheduleRunsOnTimeAndItsBackupsArePrunedByTtl) {
  PutWorkload();
  ScheduleController schedules(a_.store.Lister<velero::v1::Schedule>(), a_.client, clock_);
  velero::v1::Schedule schedule;
  schedule.mutable_metadata()->set_namespace_(api::kVeleroNamespace);
  schedule.mutable_metadata()->set_name("six-hourly");
  schedule.mutable_spec()->set_schedule("0 */6 * * *");
  schedule.mutable_spec()->mutable_template_()->set_ttl("1h");
  (*schedule.mutable_spec()
        ->mutable_template_()
        ->mutable_label_selector()
        ->mutable_match_labels())["app"] = "web";
  a_.store.Create(schedule).IgnoreError();  // at 00:30
  const std::string key = "velero/six-hourly";
  auto backups = [&] { return a_.store.Lister<Backup>().List(); };

  ASSERT_TRUE(schedules.Sync(key).ok());  // -> Enabled
  EXPECT_EQ(a_.store.Find<velero::v1::Schedule>("velero", "six-hourly")->status().phase(),
            "Enabled");
  ASSERT_TRUE(schedules.Sync(key).ok());
  EXPECT_TRUE(backups().empty());
  clock_.Advance(absl::Minutes(329));  // 05:59
  ASSERT_TRUE(schedules.Sync(key).ok());
  EXPECT_TRUE(backups().empty());
  clock_.Advance(absl::Minutes(1));  // 06:00
  ASSERT_TRUE(schedules.Sync(key).ok());
  ASSERT_EQ(backups().size(), 1u);
  const std::string name = backups()[0]->metadata().name();
  EXPECT_EQ(name, "six-hourly-20261201060000");
  EXPECT_EQ(backups()[0]->metadata().labels().at(api::kScheduleNameLabel), "six-hourly");
  EXPECT_EQ(backups()[0]->spec().ttl(), "1h");
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(schedules.Sync(key).ok());
  EXPECT_EQ(backups().size(), 1u);  // once per run

  RunBackup(name, "d");
  ASSERT_EQ(Find(name)->status().phase(), "Completed");
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(SyncBackup(name).ok());
  ASSERT_TRUE(SyncBackup(name).ok());
  EXPECT_EQ(Find(name), nullptr);  // pruned
}

TEST_F(BackupControllersTest, AnotherClusterOnTheSameLocationSeesTheBackupAndRestoresIt) {
  PutWorkload();
  NewBackup("b1");
  RunBackup("b1", "ordinal 0's data");
  ASSERT_EQ(Find("b1")->status().phase(), "Completed");

  Cluster b(clock_);
  PutLocation(b);
  PutNamespace(b, "default");
  core::v1::Service existing;  // already there: left alone
  existing.mutable_metadata()->set_namespace_("default");
  existing.mutable_metadata()->set_name("web");
  existing.mutable_spec()->set_cluster_ip("None");
  b.store.Put(existing);
  LocationController locations(b.store.Lister<velero::v1::BackupStorageLocation>(),
                               b.store.Lister<Backup>(), b.client, clock_);
  ASSERT_TRUE(locations.Sync("velero/default").ok());
  auto location = b.store.Find<velero::v1::BackupStorageLocation>("velero", "default");
  EXPECT_EQ(location->status().phase(), "Available");
  auto synced = b.store.Find<Backup>("velero", "b1");
  ASSERT_NE(synced, nullptr);
  EXPECT_EQ(synced->status().phase(), "Completed");
  EXPECT_TRUE(synced->metadata().annotations().contains(api::kBackupSyncedAnnotation));

  RestoreController restores({b.store.Lister<velero::v1::Restore>(), b.store.Lister<Backup>(),
                              b.store.Lister<velero::v1::BackupStorageLocation>()},
                             b.client, clock_);
  velero::v1::Restore restore;
  restore.mutable_metadata()->set_namespace_("velero");
  restore.mutable_metadata()->set_name("r1");
  restore.mutable_spec()->set_backup_name("b1");
  b.store.Put(restore);
  ASSERT_TRUE(restores.Sync("velero/r1").ok());  // -> InProgress
  ASSERT_TRUE(restores.Sync("velero/r1").ok());
  auto done = b.store.Find<velero::v1::Restore>("velero", "r1");
  EXPECT_EQ(done->status().phase(), "Completed") << done->status().failure_reason();
  EXPECT_EQ(done->status().warnings(), 2);  // the Service and namespace default exist
  auto claim = b.store.Find<core::v1::PersistentVolumeClaim>("default", "www-web-0");
  ASSERT_NE(claim, nullptr);
  EXPECT_EQ(claim->spec().data_source().name(), "r1-www-web-0");
  auto content = b.store.Find<snapshot::v1::VolumeSnapshotContent>("", "r1-default-www-web-0");
  ASSERT_NE(content, nullptr);
  EXPECT_EQ(testing::ReadFile(content->spec().source().snapshot_handle() + "/data"),
            "ordinal 0's data");
  EXPECT_NE(b.store.Find<apps::v1::StatefulSet>("default", "web"), nullptr);
  EXPECT_THAT(testing::ReadFile(dir_.path() + "/restores/r1/restore.log"),
              HasSubstr("services default/web already exists: left as it is"));

  // A damaged backup restores nothing.
  std::ofstream(BackupLocation(dir_.path()).BackupDir("b1") + "/volumes/default/www-web-0/data",
                std::ios::app)
      << "!";
  restore.mutable_metadata()->set_name("r2");
  b.store.Put(restore);
  ASSERT_TRUE(restores.Sync("velero/r2").ok());
  ASSERT_TRUE(restores.Sync("velero/r2").ok());
  auto failed = b.store.Find<velero::v1::Restore>("velero", "r2");
  EXPECT_EQ(failed->status().phase(), "Failed");
  EXPECT_THAT(failed->status().failure_reason(), HasSubstr("volumes/default/www-web-0/data"));
  EXPECT_EQ(b.store.Find<snapshot::v1::VolumeSnapshotContent>("", "r2-default-www-web-0"), nullptr);
}

}  // namespace
}  // namespace ordo::backup
