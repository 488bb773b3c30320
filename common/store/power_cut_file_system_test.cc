#include "common/store/power_cut_file_system.h"

#include <gtest/gtest.h>

#include "common/testing/temp_dir.h"

namespace ordo::store {
namespace {

using ::ordo::testing::ReadFile;
using ::ordo::testing::TempDir;

class PowerCutFileSystemTest : public ::testing::Test {
 protected:
  std::unique_ptr<rocksdb::FSWritableFile> Open(const std::string& name) {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    EXPECT_TRUE(fs_.NewWritableFile(dir_.Join(name), {}, &file, nullptr).ok());
    return file;
  }
  bool Append(rocksdb::FSWritableFile& file, const std::string& data) {
    return file.Append(data, {}, nullptr).ok();
  }

  TempDir dir_;
  PowerCutFileSystem fs_;
};

TEST_F(PowerCutFileSystemTest, ACutLosesWhatWasWrittenAfterTheLastSync) {
  auto file = Open("log");
  ASSERT_TRUE(Append(*file, "synced "));
  ASSERT_TRUE(file->Sync({}, nullptr).ok());
  ASSERT_TRUE(Append(*file, "in the page cache"));
  ASSERT_TRUE(file->Flush({}, nullptr).ok());
  EXPECT_EQ(ReadFile(dir_.Join("log")), "synced in the page cache");  // what kill -9 keeps

  fs_.CutPower();
  EXPECT_FALSE(Append(*file, "more")) << "the machine is off";
  EXPECT_FALSE(file->Sync({}, nullptr).ok());
  EXPECT_FALSE(file->Close({}, nullptr).ok());
  file.reset();  // the process is gone
  fs_.RestorePower();
  EXPECT_EQ(ReadFile(dir_.Join("log")), "synced ");
}

TEST_F(PowerCutFileSystemTest, AFileNeverSyncedIsEmptyAfterACut) {
  auto file = Open("new");
  ASSERT_TRUE(Append(*file, "never synced"));
  fs_.CutPower();
  file.reset();
  fs_.RestorePower();
  EXPECT_EQ(ReadFile(dir_.Join("new")), "");
}

TEST_F(PowerCutFileSystemTest, ARenamedFileKeepsWhatItsSyncsMadeDurable) {
  auto file = Open("tmp");
  ASSERT_TRUE(Append(*file, "whole"));
  ASSERT_TRUE(file->Sync({}, nullptr).ok());
  ASSERT_TRUE(Append(*file, " and torn"));
  ASSERT_TRUE(fs_.RenameFile(dir_.Join("tmp"), dir_.Join("CURRENT"), {}, nullptr).ok());
  fs_.CutPower();
  EXPECT_FALSE(fs_.DeleteFile(dir_.Join("CURRENT"), {}, nullptr).ok());
  file.reset();
  fs_.RestorePower();
  EXPECT_EQ(ReadFile(dir_.Join("CURRENT")), "whole");
}

TEST_F(PowerCutFileSystemTest, FilesItDidNotWriteAreLeftAlone) {
  {
    PowerCutFileSystem before;  // another boot
    std::unique_ptr<rocksdb::FSWritableFile> file;
    ASSERT_TRUE(before.NewWritableFile(dir_.Join("old"), {}, &file, nullptr).ok());
    ASSERT_TRUE(Append(*file, "from before"));
    ASSERT_TRUE(file->Close({}, nullptr).ok());
  }
  fs_.CutPower();
  fs_.RestorePower();
  EXPECT_EQ(ReadFile(dir_.Join("old")), "from before");
}

}  // namespace
}  // namespace ordo::store
