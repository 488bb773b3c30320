#include "common/store/rocksdb_store.h"

#include <fcntl.h>
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/store/encoding.h"

namespace ordo::store {
namespace {

constexpr char kRevisionKey[] = "revision";

absl::string_view View(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(what, ": ", s.ToString()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbJournal>> RocksDbJournal::Open(const std::string& dir,
                                                                     RocksDbOptions options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  if (options.env != nullptr) db_options.env = options.env;
  db_options.IncreaseParallelism(2);
  db_options.compression = rocksdb::kNoCompression;
  db_options.max_total_wal_size = 64 << 20;
  // Reuse WAL files: an fsync then writes data only, not file-size metadata.
  db_options.recycle_log_file_num = 4;
  // Reads are served from memory (MemoryStore); RocksDB is read only at start,
  // so its memtables and block cache are kept small.
  rocksdb::ColumnFamilyOptions cf_options(db_options);
  cf_options.write_buffer_size = 4 << 20;
  cf_options.max_write_buffer_number = 2;
  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_cache = rocksdb::NewLRUCache(4 << 20);
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, cf_options}, {"kv", cf_options}, {"events", cf_options}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, dir, families, &handles, &raw);
  if (!s.ok()) {
    return absl::UnavailableError(absl::StrCat("open store in ", dir, ": ", s.ToString()));
  }
  std::unique_ptr<RocksDbJournal> journal(new RocksDbJournal());
  journal->options_ = options;
  journal->db_.reset(raw);
  journal->default_cf_ = handles[0];
  journal->kv_cf_ = handles[1];
  journal->events_cf_ = handles[2];
  return journal;
}

RocksDbJournal::~RocksDbJournal() {
  if (db_ == nullptr) return;
  for (auto* cf : {default_cf_, kv_cf_, events_cf_}) {
    (void)db_->DestroyColumnFamilyHandle(cf);
  }
  (void)db_->Close();
}

absl::StatusOr<JournalState> RocksDbJournal::Load(size_t max_events) {
  JournalState state;
  std::string rev;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), default_cf_, kRevisionKey, &rev);
  if (s.IsNotFound()) return state;
  if (!s.ok()) return FromRocks(s, "read revision");
  if (rev.size() != 8) return absl::DataLossError("store: corrupt revision record");
  state.revision = DecodeFixed64(rev.data());

  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), kv_cf_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto kv = DecodeKeyValue(View(it->key()), View(it->value()));
    if (!kv.ok()) return kv.status();
    state.kvs.push_back(*std::move(kv));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scan keys");

  int64_t first = std::max<int64_t>(1, state.revision - static_cast<int64_t>(max_events) + 1);
  std::unique_ptr<rocksdb::Iterator> ev(db_->NewIterator(rocksdb::ReadOptions(), events_cf_));
  ev->SeekToFirst();
  if (ev->Valid()) oldest_event_on_disk_ = DecodeRevisionKey(View(ev->key()));
  for (ev->Seek(EncodeRevisionKey(first)); ev->Valid(); ev->Next()) {
    auto event = DecodeEvent(View(ev->value()));
    if (!event.ok()) return event.status();
    state.recent_events.push_back(*std::move(event));
  }
  if (!ev->status().ok()) return FromRocks(ev->status(), "scan events");
  // The window must be consecutive and end at the stored revision.
  if (!state.recent_events.empty() && state.recent_events.back()->revision() != state.revision) {
    return absl::DataLossError("store: event log does not end at the stored revision");
  }
  return state;
}

absl::Status RocksDbJournal::Append(const std::vector<EventPtr>& events) {
  rocksdb::WriteBatch batch;
  for (const EventPtr& e : events) {
    if (e->type == Event::Type::kPut) {
      batch.Put(kv_cf_, e->kv->key, EncodeKeyValueRecord(*e->kv));
    } else {
      batch.Delete(kv_cf_, e->kv->key);
    }
    batch.Put(events_cf_, EncodeRevisionKey(e->revision()), EncodeEvent(*e));
  }
  int64_t last = events.back()->revision();
  batch.Put(default_cf_, kRevisionKey, EncodeFixed64(last));
  if (oldest_event_on_disk_ == 0) oldest_event_on_disk_ = events.front()->revision();
  int64_t keep_from = last - static_cast<int64_t>(options_.events_on_disk);
  bool trim = keep_from - oldest_event_on_disk_ > static_cast<int64_t>(options_.events_on_disk / 4);
  if (trim) {
    batch.DeleteRange(events_cf_, EncodeRevisionKey(0), EncodeRevisionKey(keep_from));
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync_writes;
  ORDO_RETURN_IF_ERROR(FromRocks(db_->Write(write_options, &batch), "write batch"));
  if (trim) oldest_event_on_disk_ = keep_from;
  return absl::OkStatus();
}

absl::StatusOr<SnapshotInfo> RocksDbJournal::LoadSnapshot(const std::string& path) {
  std::string existing;
  if (db_->Get(rocksdb::ReadOptions(), default_cf_, kRevisionKey, &existing).ok()) {
    return absl::FailedPreconditionError("the store is not empty");
  }
  rocksdb::WriteBatch batch;
  auto flush = [&](bool sync) {
    rocksdb::WriteOptions options;
    options.sync = sync;
    absl::Status s = FromRocks(db_->Write(options, &batch), "write restored keys");
    batch.Clear();
    return s;
  };
  ORDO_ASSIGN_OR_RETURN(SnapshotInfo info, ReadSnapshot(path, [&](KeyValuePtr kv) -> absl::Status {
                          batch.Put(kv_cf_, kv->key, EncodeKeyValueRecord(*kv));
                          return batch.GetDataSize() < (4 << 20) ? absl::OkStatus() : flush(false);
                        }));
  batch.Put(default_cf_, kRevisionKey, EncodeFixed64(info.revision));
  ORDO_RETURN_IF_ERROR(flush(true));
  return info;
}

absl::StatusOr<SnapshotInfo> RestoreRocksDbStore(const std::string& snapshot_path,
                                                 const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--data-dir ", dir, " is not empty: a snapshot is restored into a new directory"));
  }
  std::string building = fs::path(dir).lexically_normal().string() + ".restoring";
  fs::remove_all(building, ec);
  absl::StatusOr<SnapshotInfo> info;
  {
    ORDO_ASSIGN_OR_RETURN(std::unique_ptr<RocksDbJournal> journal, RocksDbJournal::Open(building));
    info = journal->LoadSnapshot(snapshot_path);
  }
  if (!info.ok()) {
    fs::remove_all(building, ec);
    return info.status();
  }
  fs::remove(dir, ec);  // empty, if there
  fs::rename(building, dir, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("restore: cannot move ", building, " to ", dir, ": ", ec.message()));
  }
  // The rename is durable once the parent directory is.
  int parent = open(fs::absolute(dir).parent_path().c_str(), O_RDONLY | O_DIRECTORY);
  if (parent >= 0) {
    fsync(parent);
    close(parent);
  }
  return info;
}

absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(const std::string& dir,
                                                        MemoryStoreOptions options) {
  auto journal = RocksDbJournal::Open(dir);
  if (!journal.ok()) return journal.status();
  auto store = MemoryStore::Open(*std::move(journal), options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace ordo::store
