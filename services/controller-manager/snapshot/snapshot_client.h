// The snapshot controller's edges: VolumeSnapshots (finalizer, status),
// VolumeSnapshotContents (create, status, delete), and a snapshot's data
// directory (its size, its removal). ApiSnapshotClient is the real one; FakeSnapshotClient
// (fake_snapshot_client.h) writes through testing::FakeObjectStore.
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/api/resource_client.h"
#include "ordo/snapshot/v1/snapshot.pb.h"

namespace ordo::snapshot {

using snapshot::v1::VolumeSnapshot;
using snapshot::v1::VolumeSnapshotContent;

class SnapshotClient {
 public:
  virtual ~SnapshotClient() = default;
  virtual absl::StatusOr<VolumeSnapshot> UpdateSnapshot(const VolumeSnapshot& vs) = 0;
  virtual absl::StatusOr<VolumeSnapshot> UpdateSnapshotStatus(const VolumeSnapshot& vs) = 0;
  virtual absl::StatusOr<VolumeSnapshotContent> CreateContent(const VolumeSnapshotContent& c) = 0;
  virtual absl::StatusOr<VolumeSnapshotContent> UpdateContentStatus(
      const VolumeSnapshotContent& c) = 0;
  // Deletes content `name` if its uid is `uid`.
  virtual absl::Status DeleteContent(const std::string& name, const std::string& uid) = 0;
  // Removes a snapshot's data directory (one this controller named).
  virtual absl::Status RemoveData(const std::string& dir) = 0;
  // The bytes of a snapshot's data directory (NOT_FOUND when it is not there).
  virtual absl::StatusOr<int64_t> DataSize(const std::string& dir) = 0;
};

class ApiSnapshotClient final : public SnapshotClient {
 public:
  ApiSnapshotClient(std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : snapshots_(channel, clock), contents_(channel, clock) {}
  absl::StatusOr<VolumeSnapshot> UpdateSnapshot(const VolumeSnapshot& vs) override {
    return snapshots_.Update(vs);
  }
  absl::StatusOr<VolumeSnapshot> UpdateSnapshotStatus(const VolumeSnapshot& vs) override {
    return snapshots_.UpdateStatus(vs);
  }
  absl::StatusOr<VolumeSnapshotContent> CreateContent(const VolumeSnapshotContent& c) override {
    return contents_.Create(c);
  }
  absl::StatusOr<VolumeSnapshotContent> UpdateContentStatus(
      const VolumeSnapshotContent& c) override {
    return contents_.UpdateStatus(c);
  }
  absl::Status DeleteContent(const std::string& name, const std::string& uid) override;
  absl::Status RemoveData(const std::string& dir) override;
  absl::StatusOr<int64_t> DataSize(const std::string& dir) override;

 private:
  api::ResourceClient<VolumeSnapshot> snapshots_;
  api::ResourceClient<VolumeSnapshotContent> contents_;
};

}  // namespace ordo::snapshot
