// The durable Store: a MemoryStore over a RocksDbJournal. RocksDB holds every
// live key (column family "kv") and a tail of recent events ("events", keyed by
// big-endian revision) so watches resume across restarts; each group commit is
// one WriteBatch written with sync=true, so an acknowledged write survives kill -9.
// RocksDbJournal is used by one store thread at a time.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/store/journal.h"
#include "common/store/memory_store.h"
#include "common/store/snapshot.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Env;
}  // namespace rocksdb

namespace ordo::store {

struct RocksDbOptions {
  // How many events beyond the in-memory window to keep on disk before trimming.
  size_t events_on_disk = 20'000;
  // What RocksDB reads and writes through (null: the real file system). Tests
  // pass one that simulates a power cut; it must outlive the journal.
  rocksdb::Env* env = nullptr;
  // Each group commit waits for its fdatasync. false only for the test that
  // proves the power-cut test catches a store that does not sync.
  bool sync_writes = true;
};

class RocksDbJournal final : public Journal {
 public:
  static absl::StatusOr<std::unique_ptr<RocksDbJournal>> Open(const std::string& dir,
                                                              RocksDbOptions options = {});
  ~RocksDbJournal() override;

  absl::StatusOr<JournalState> Load(size_t max_events) override;
  absl::Status Append(const std::vector<EventPtr>& events) override;

  // Fills an empty journal from the snapshot at `path` (snapshot.h): its keys
  // and revision, no events. The revision is written last, after the
  // snapshot's hash checked out: until then the journal loads as empty.
  absl::StatusOr<SnapshotInfo> LoadSnapshot(const std::string& path);

 private:
  RocksDbJournal() = default;
  RocksDbOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* default_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* kv_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* events_cf_ = nullptr;
  int64_t oldest_event_on_disk_ = 0;
};

// Makes a new store in `dir` (absent or empty) from the snapshot at
// `snapshot_path`: every key with its revisions, the store at the snapshot's
// revision, watches starting after it. Built beside `dir` and renamed into
// place once the whole snapshot read and checked, so a bad file or a crash
// leaves no store behind.
absl::StatusOr<SnapshotInfo> RestoreRocksDbStore(const std::string& snapshot_path,
                                                 const std::string& dir);

// Opens (creating if needed) the durable store in `dir`.
absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(const std::string& dir,
                                                        MemoryStoreOptions options = {});

}  // namespace ordo::store
