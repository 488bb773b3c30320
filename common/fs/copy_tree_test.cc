// Copying a tree: files with their bytes and modes, nested directories,
// symbolic links kept as links, and refusals that name the path.
#include "common/fs/copy_tree.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/testing/temp_dir.h"

namespace ordo::fs {
namespace {

using ::ordo::testing::ReadFile;
using ::ordo::testing::TempDir;

TEST(CopyTreeTest, CopiesFilesDirectoriesModesAndLinks) {
  TempDir dir;
  std::filesystem::create_directories(dir.Join("src/data/nested"));
  std::ofstream(dir.Join("src/data/counter")) << "41";
  std::string big(3 << 20, 'z');
  std::ofstream(dir.Join("src/data/nested/big.bin"), std::ios::binary) << big;
  chmod(dir.Join("src/data/counter").c_str(), 0640);
  ASSERT_EQ(symlink("data/counter", dir.Join("src/latest").c_str()), 0);
  auto stats = CopyTree(dir.Join("src"), dir.Join("dst"));
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->files, 2);
  EXPECT_EQ(stats->bytes, static_cast<int64_t>(2 + big.size()));
  EXPECT_EQ(ReadFile(dir.Join("dst/data/counter")), "41");
  EXPECT_EQ(ReadFile(dir.Join("dst/data/nested/big.bin")), big);
  struct stat st;
  ASSERT_EQ(stat(dir.Join("dst/data/counter").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  EXPECT_TRUE(std::filesystem::is_symlink(dir.Join("dst/latest")));
  EXPECT_EQ(std::filesystem::read_symlink(dir.Join("dst/latest")), "data/counter");
  // The copy is a copy: changing it leaves the source alone.
  std::ofstream(dir.Join("dst/data/counter")) << "42";
  EXPECT_EQ(ReadFile(dir.Join("src/data/counter")), "41");
  auto size = TreeSize(dir.Join("src"));
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, static_cast<int64_t>(2 + big.size()));
}

TEST(CopyTreeTest, RefusesAnExistingTargetOrAMissingSource) {
  TempDir dir;
  std::filesystem::create_directories(dir.Join("src"));
  std::filesystem::create_directories(dir.Join("dst"));
  auto exists = CopyTree(dir.Join("src"), dir.Join("dst"));
  EXPECT_FALSE(exists.ok());
  EXPECT_NE(std::string(exists.status().message()).find(dir.Join("dst")), std::string::npos);
  EXPECT_FALSE(CopyTree(dir.Join("nowhere"), dir.Join("x")).ok());
}

}  // namespace
}  // namespace ordo::fs
