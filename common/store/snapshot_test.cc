// The snapshot file: written in chunks, read back whole with every check, and
// restored into a new RocksDB store at the same revision.
#include "common/store/snapshot.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/store/rocksdb_store.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"

namespace ordo::store {
namespace {

using ::ordo::testing::StatusIs;
using ::ordo::testing::TempDir;

class SnapshotTest : public ::testing::Test {
 protected:
  // Writes a snapshot of `kvs` at `revision` to `file` in small chunks.
  std::string Write(const std::vector<KeyValue>& kvs, int64_t revision,
                    const std::string& name = "snap.db") {
    std::string path = dir_.Join(name);
    std::ofstream out(path, std::ios::binary);
    SnapshotWriter writer(
        revision, kvs.size(),
        [&](absl::string_view chunk) {
          ++chunks_;
          out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
          return true;
        },
        /*chunk_size=*/64);
    for (const KeyValue& kv : kvs) EXPECT_TRUE(writer.Add(kv));
    EXPECT_TRUE(writer.Finish());
    hash_ = writer.sha256_hex();
    return path;
  }
  static std::vector<KeyValue> Sample() {
    return {{"/registry/pods/default/web-0", "pod zero", 3, 7},
            {"/registry/pods/default/web-1", std::string(1000, 'x'), 4, 4},
            {"/registry/statefulsets/default/web", "", 2, 9}};
  }
  std::string Bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string Rewrite(const std::string& name, const std::string& bytes) {
    std::string path = dir_.Join(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  TempDir dir_;
  int chunks_ = 0;
  std::string hash_;
};

TEST_F(SnapshotTest, ReadsBackEveryKeyWithItsRevisionsAndTheHash) {
  std::string path = Write(Sample(), 9);
  EXPECT_GT(chunks_, 3);  // streamed, not built whole
  std::vector<KeyValuePtr> seen;
  auto info = ReadSnapshot(path, [&](KeyValuePtr kv) {
    seen.push_back(std::move(kv));
    return absl::OkStatus();
  });
  ASSERT_OK(info);
  EXPECT_EQ(info->revision, 9);
  EXPECT_EQ(info->keys, 3u);
  EXPECT_EQ(info->size, std::filesystem::file_size(path));
  EXPECT_EQ(info->sha256_hex, hash_);
  EXPECT_EQ(info->sha256_hex.size(), 64u);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0]->key, "/registry/pods/default/web-0");
  EXPECT_EQ(seen[0]->value, "pod zero");
  EXPECT_EQ(seen[0]->create_revision, 3);
  EXPECT_EQ(seen[0]->mod_revision, 7);
  EXPECT_EQ(seen[1]->value.size(), 1000u);
  EXPECT_EQ(seen[2]->value, "");
}

TEST_F(SnapshotTest, AnEmptyStoreIsASnapshotToo) {
  auto info = ReadSnapshot(Write({}, 0));
  ASSERT_OK(info);
  EXPECT_EQ(info->keys, 0u);
}

TEST_F(SnapshotTest, EveryTruncationIsRefused) {
  std::string whole = Bytes(Write(Sample(), 9));
  for (size_t n = 0; n < whole.size(); ++n) {
    auto info = ReadSnapshot(Rewrite("cut.db", whole.substr(0, n)));
    ASSERT_FALSE(info.ok()) << "cut at " << n;
    if (n >= 16) {
      EXPECT_THAT(std::string(info.status().message()), ::testing::HasSubstr("is truncated"))
          << "cut at " << n;
    }
  }
}

TEST_F(SnapshotTest, CorruptionWrongVersionAndStrangersAreNamed) {
  std::string whole = Bytes(Write(Sample(), 9));
  std::string flipped = whole;
  flipped[60] ^= 0x01;  // inside the first key
  EXPECT_THAT(ReadSnapshot(Rewrite("flip.db", flipped)), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(std::string(ReadSnapshot(Rewrite("flip.db", flipped)).status().message()),
              ::testing::HasSubstr("checksum mismatch"));
  std::string v2 = whole;
  v2[8] = 2;
  EXPECT_EQ(ReadSnapshot(Rewrite("v2.db", v2)).status().message(),
            absl::StrCat("snapshot ", dir_.Join("v2.db"),
                         ": format version 2 is not supported (this ordo reads 1)"));
  EXPECT_THAT(ReadSnapshot(Rewrite("yaml.db", "apiVersion: v1\nkind: Pod\n")),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ReadSnapshot(Rewrite("tail.db", whole + "x")), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(ReadSnapshot(dir_.Join("missing.db")), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(SnapshotTest, ARestoredStoreHasEveryKeyAtTheSameRevisions) {
  TempDir original;
  std::string path;
  {
    auto store = OpenRocksDbStore(original.path());
    ASSERT_OK(store);
    ASSERT_OK((*store)->Create("/a", "1"));
    ASSERT_OK((*store)->Create("/b", "2"));
    ASSERT_OK((*store)->Put("/a", "3", 1));
    ASSERT_OK((*store)->Create("/c", "4"));
    ASSERT_OK((*store)->Delete("/c"));
    ListResult all = *(*store)->List("");
    std::vector<KeyValue> kvs;
    for (const auto& kv : all.kvs) kvs.push_back(*kv);
    path = Write(kvs, all.revision);
  }
  std::string restored = dir_.Join("restored");
  auto info = RestoreRocksDbStore(path, restored);
  ASSERT_OK(info);
  EXPECT_EQ(info->revision, 5);
  auto store = OpenRocksDbStore(restored);
  ASSERT_OK(store);
  EXPECT_EQ((*store)->CurrentRevision(), 5);
  auto a = (*store)->Get("/a");
  ASSERT_OK(a);
  EXPECT_EQ((*a)->value, "3");
  EXPECT_EQ((*a)->create_revision, 1);
  EXPECT_EQ((*a)->mod_revision, 3);
  EXPECT_THAT((*store)->Get("/c"), StatusIs(absl::StatusCode::kNotFound));
  auto d = (*store)->Create("/d", "5");
  ASSERT_OK(d);
  EXPECT_EQ((*d)->mod_revision, 6);
  // Watches cannot reach back before the snapshot.
  EXPECT_THAT((*store)->Watch("/", 2, nullptr), StatusIs(absl::StatusCode::kOutOfRange));
}

TEST_F(SnapshotTest, ABadSnapshotOrAUsedDirectoryLeavesNothingBehind) {
  std::string whole = Bytes(Write(Sample(), 9));
  std::string cut = Rewrite("cut.db", whole.substr(0, whole.size() - 5));
  std::string target = dir_.Join("new");
  EXPECT_THAT(RestoreRocksDbStore(cut, target), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_FALSE(std::filesystem::exists(target));
  EXPECT_FALSE(std::filesystem::exists(target + ".restoring"));
  std::filesystem::create_directories(dir_.Join("used"));
  std::ofstream(dir_.Join("used/CURRENT")) << "x";
  EXPECT_THAT(RestoreRocksDbStore(dir_.Join("snap.db"), dir_.Join("used")),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace ordo::store
