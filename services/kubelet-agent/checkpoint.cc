#include "services/kubelet-agent/checkpoint.h"

#include <rocksdb/db.h>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace ordo::kubelet {
namespace {

absl::Status FromRocks(const rocksdb::Status& s, const char* what) {
  if (s.ok()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("checkpoint ", what, ": ", s.ToString()));
}

rocksdb::WriteOptions Synced() {
  rocksdb::WriteOptions w;
  w.sync = true;
  return w;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbCheckpoint>> RocksDbCheckpoint::Open(const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &db);
  if (!s.ok()) return FromRocks(s, "open");
  return std::unique_ptr<RocksDbCheckpoint>(new RocksDbCheckpoint(db));
}

RocksDbCheckpoint::RocksDbCheckpoint(rocksdb::DB* db) : db_(db) {}
RocksDbCheckpoint::~RocksDbCheckpoint() = default;

absl::Status RocksDbCheckpoint::Save(const agent::v1::PodRecord& record) {
  return FromRocks(db_->Put(Synced(), record.uid(), record.SerializeAsString()), "save");
}

absl::Status RocksDbCheckpoint::Remove(const std::string& pod_uid) {
  return FromRocks(db_->Delete(Synced(), pod_uid), "remove");
}

absl::StatusOr<std::vector<agent::v1::PodRecord>> RocksDbCheckpoint::LoadAll() {
  std::vector<agent::v1::PodRecord> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    agent::v1::PodRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("checkpoint record ", it->key().ToString()));
    }
    out.push_back(std::move(record));
  }
  ORDO_RETURN_IF_ERROR(FromRocks(it->status(), "load"));
  return out;
}

}  // namespace ordo::kubelet
