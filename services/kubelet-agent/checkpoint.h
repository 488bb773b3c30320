// PodCheckpoint is the agent's local memory of the pods it runs (their
// containers' pids, restart counts and IPs), so a restarted agent adopts
// running containers instead of starting them again. RocksDbCheckpoint keeps
// it in RocksDB with synced writes; ordo::testing::MemoryCheckpoint is the
// fake. Implementations are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ordo/agent/v1/agent.pb.h"

namespace rocksdb {
class DB;
}

namespace ordo::kubelet {

class PodCheckpoint {
 public:
  virtual ~PodCheckpoint() = default;
  virtual absl::Status Save(const agent::v1::PodRecord& record) = 0;
  virtual absl::Status Remove(const std::string& pod_uid) = 0;
  virtual absl::StatusOr<std::vector<agent::v1::PodRecord>> LoadAll() = 0;
};

class RocksDbCheckpoint final : public PodCheckpoint {
 public:
  static absl::StatusOr<std::unique_ptr<RocksDbCheckpoint>> Open(const std::string& dir);
  ~RocksDbCheckpoint() override;

  absl::Status Save(const agent::v1::PodRecord& record) override;
  absl::Status Remove(const std::string& pod_uid) override;
  absl::StatusOr<std::vector<agent::v1::PodRecord>> LoadAll() override;

 private:
  explicit RocksDbCheckpoint(rocksdb::DB* db);
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace ordo::kubelet
