// The snapshot controller's test double: writes through one
// testing::FakeObjectStore (whose caches the controller's listers read) and
// remembers the data directories it was told to remove. Thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/testing/fake_object_store.h"
#include "services/controller-manager/snapshot/snapshot_controller.h"

namespace ordo::testing {

class FakeSnapshotClient final : public snapshot::SnapshotClient {
 public:
  explicit FakeSnapshotClient(Clock& clock) : store(clock) {}

  FakeObjectStore store;

  snapshot::SnapshotListers Listers() {
    return {store.Lister<snapshot::v1::VolumeSnapshot>(),
            store.Lister<snapshot::v1::VolumeSnapshotContent>(),
            store.Lister<snapshot::v1::VolumeSnapshotClass>(),
            store.Lister<core::v1::PersistentVolumeClaim>(),
            store.Lister<core::v1::PersistentVolume>(),
            store.Lister<storage::v1::StorageClass>(),
            store.Lister<core::v1::Pod>(),
            store.Lister<core::v1::Node>()};
  }
  std::vector<std::string> removed() {
    absl::MutexLock lock(&mu_);
    return removed_;
  }

  absl::StatusOr<snapshot::v1::VolumeSnapshot> UpdateSnapshot(
      const snapshot::v1::VolumeSnapshot& vs) override {
    return store.Update(vs);
  }
  absl::StatusOr<snapshot::v1::VolumeSnapshot> UpdateSnapshotStatus(
      const snapshot::v1::VolumeSnapshot& vs) override {
    return store.UpdateStatus(vs);
  }
  absl::StatusOr<snapshot::v1::VolumeSnapshotContent> CreateContent(
      const snapshot::v1::VolumeSnapshotContent& c) override {
    return store.Create(c);
  }
  absl::StatusOr<snapshot::v1::VolumeSnapshotContent> UpdateContentStatus(
      const snapshot::v1::VolumeSnapshotContent& c) override {
    return store.UpdateStatus(c);
  }
  // The sizes DataSize answers; a directory not listed is NOT_FOUND.
  void SetDataSize(const std::string& dir, int64_t bytes) {
    absl::MutexLock lock(&mu_);
    sizes_[dir] = bytes;
  }
  absl::StatusOr<int64_t> DataSize(const std::string& dir) override {
    absl::MutexLock lock(&mu_);
    auto it = sizes_.find(dir);
    if (it == sizes_.end()) return absl::NotFoundError("no directory " + dir);
    return it->second;
  }
  absl::Status DeleteContent(const std::string& name, const std::string& uid) override {
    absl::Status s = store.Delete<snapshot::v1::VolumeSnapshotContent>("", name, {.uid = uid});
    return absl::IsNotFound(s) ? absl::OkStatus() : s;
  }
  absl::Status RemoveData(const std::string& dir) override {
    absl::MutexLock lock(&mu_);
    removed_.push_back(dir);
    return absl::OkStatus();
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> removed_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> sizes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ordo::testing
