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

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace ordo::store {

struct RocksDbOptions {
  // How many events beyond the in-memory window to keep on disk before trimming.
  size_t events_on_disk = 20'000;
};

class RocksDbJournal final : public Journal {
 public:
  static absl::StatusOr<std::unique_ptr<RocksDbJournal>> Open(const std::string& dir,
                                                              RocksDbOptions options = {});
  ~RocksDbJournal() override;

  absl::StatusOr<JournalState> Load(size_t max_events) override;
  absl::Status Append(const std::vector<EventPtr>& events) override;

 private:
  RocksDbJournal() = default;
  RocksDbOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* default_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* kv_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* events_cf_ = nullptr;
  int64_t oldest_event_on_disk_ = 0;
};

// Opens (creating if needed) the durable store in `dir`.
absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(const std::string& dir,
                                                        MemoryStoreOptions options = {});

}  // namespace ordo::store
