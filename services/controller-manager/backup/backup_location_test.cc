// A backup location's directory: a sealed backup lists and verifies; one
// byte changed, a file cut short or gone, or no manifest is refused naming
// the file; an unsealed backup is never listed.
#include "services/controller-manager/backup/backup_location.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/api/kinds.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"

namespace ordo::backup {
namespace {

using ::testing::HasSubstr;

class BackupLocationTest : public ::testing::Test {
 protected:
  // A backup "b1" with one object and 3 files of claim data, sealed.
  void WriteSealed(const std::string& name) {
    const auto& info = api::KindTraits<core::v1::Service>::Info();
    ASSERT_TRUE(
        location_
            .WriteBackupFile(name, ResourcePath(info, "default", "settings"), "kind: Service\n")
            .ok());
    for (const char* file : {"a", "b", "sub/c"}) {
      ASSERT_TRUE(location_
                      .WriteBackupFile(name, VolumePath("default", "www-web-0") + "/" + file,
                                       std::string(1000, file[0]))
                      .ok());
    }
    velero::v1::BackupManifest manifest;
    manifest.add_volumes()->set_claim("www-web-0");
    velero::v1::Backup backup;
    backup.set_api_version("velero.io/v1");
    backup.set_kind("Backup");
    backup.mutable_metadata()->set_namespace_("velero");
    backup.mutable_metadata()->set_name(name);
    backup.mutable_status()->set_phase("Completed");
    ASSERT_TRUE(location_.Seal(name, manifest, backup).ok());
  }
  std::string DataFile(const std::string& name) {
    return location_.BackupDir("b1") + "/volumes/default/www-web-0/" + name;
  }

  testing::TempDir dir_;
  BackupLocation location_{dir_.path()};
};

TEST_F(BackupLocationTest, ASealedBackupIsListedAndVerifies) {
  ASSERT_TRUE(location_.Validate(false).ok());
  WriteSealed("b1");
  // Unsealed: written, but no velero-backup.json.
  ASSERT_TRUE(location_.WriteBackupFile("half", "backup.log", "x").ok());
  auto listed = location_.ListBackups();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].metadata().name(), "b1");
  EXPECT_EQ((*listed)[0].status().phase(), "Completed");
  auto manifest = location_.Verify("b1");
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->files_size(), 4);
  EXPECT_EQ(manifest->volumes(0).claim(), "www-web-0");
  EXPECT_EQ(manifest->format_version(), kFormatVersion);
  EXPECT_EQ(manifest->files(0).path(), "resources/services/namespaces/default/settings.yaml");
  EXPECT_EQ(manifest->files(0).sha256().size(), 64u);
}

TEST_F(BackupLocationTest, DamageIsRefusedNamingTheFile) {
  WriteSealed("b1");
  {
    std::fstream f(DataFile("b"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(500);
    f.put('x');
  }
  auto changed = location_.Verify("b1");
  EXPECT_EQ(changed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(changed.status().message(),
              HasSubstr("volumes/default/www-web-0/b does not match its checksum"));

  std::filesystem::resize_file(DataFile("b"), 10);
  EXPECT_THAT(location_.Verify("b1").status().message(),
              HasSubstr("volumes/default/www-web-0/b has 10 bytes, the manifest says 1000"));

  std::filesystem::remove(DataFile("sub/c"));
  std::filesystem::resize_file(DataFile("b"), 0);
  std::filesystem::remove(DataFile("b"));
  EXPECT_THAT(location_.Verify("b1").status().message(), HasSubstr("is missing"));

  std::filesystem::remove(location_.BackupDir("b1") + "/manifest.json");
  EXPECT_EQ(location_.Verify("b1").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(BackupLocationTest, AMissingDirectoryIsNamed) {
  BackupLocation missing(dir_.Join("nope"));
  absl::Status s = missing.Validate(false);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr(dir_.Join("nope") + " is not a directory"));
  auto none = missing.ListBackups();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(BackupLocationTest, RemovingABackupTakesItsData) {
  WriteSealed("b1");
  ASSERT_TRUE(location_.RemoveBackup("b1").ok());
  EXPECT_FALSE(std::filesystem::exists(location_.BackupDir("b1")));
  EXPECT_TRUE(location_.ListBackups()->empty());
  EXPECT_TRUE(location_.RemoveBackup("b1").ok());
}

}  // namespace
}  // namespace ordo::backup
