// StorageWriter is the volume controller's edge to the api-server: the writes
// binding, provisioning, reclaiming and protection make. ApiStorageWriter is
// the real one over the typed clients; FakeStorageWriter
// (fake_storage_writer.h) writes into informer caches for tests. Updates
// carry the resourceVersion they were read at: a conflict is ABORTED, which
// is what keeps two claims from taking one volume.
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include "absl/status/statusor.h"
#include "common/api/resource_client.h"

namespace ordo::storage {

using core::v1::PersistentVolume;
using core::v1::PersistentVolumeClaim;

class StorageWriter {
 public:
  virtual ~StorageWriter() = default;
  virtual absl::StatusOr<PersistentVolumeClaim> UpdateClaim(const PersistentVolumeClaim& c) = 0;
  virtual absl::StatusOr<PersistentVolumeClaim> UpdateClaimStatus(
      const PersistentVolumeClaim& c) = 0;
  virtual absl::StatusOr<PersistentVolume> CreateVolume(const PersistentVolume& v) = 0;
  virtual absl::StatusOr<PersistentVolume> UpdateVolume(const PersistentVolume& v) = 0;
  virtual absl::StatusOr<PersistentVolume> UpdateVolumeStatus(const PersistentVolume& v) = 0;
  virtual absl::Status DeleteVolume(const std::string& name, const std::string& uid) = 0;
};

class ApiStorageWriter final : public StorageWriter {
 public:
  ApiStorageWriter(std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : claims_(channel, clock), volumes_(channel, clock) {}
  absl::StatusOr<PersistentVolumeClaim> UpdateClaim(const PersistentVolumeClaim& c) override {
    return claims_.Update(c);
  }
  absl::StatusOr<PersistentVolumeClaim> UpdateClaimStatus(const PersistentVolumeClaim& c) override {
    return claims_.UpdateStatus(c);
  }
  absl::StatusOr<PersistentVolume> CreateVolume(const PersistentVolume& v) override {
    return volumes_.Create(v);
  }
  absl::StatusOr<PersistentVolume> UpdateVolume(const PersistentVolume& v) override {
    return volumes_.Update(v);
  }
  absl::StatusOr<PersistentVolume> UpdateVolumeStatus(const PersistentVolume& v) override {
    return volumes_.UpdateStatus(v);
  }
  absl::Status DeleteVolume(const std::string& name, const std::string& uid) override {
    meta::v1::DeleteRequest request;
    request.set_name(name);
    request.mutable_preconditions()->set_uid(uid);
    absl::Status s = volumes_.Delete(request).status();
    return absl::IsNotFound(s) ? absl::OkStatus() : s;
  }

 private:
  api::ResourceClient<core::v1::PersistentVolumeClaim> claims_;
  api::ResourceClient<core::v1::PersistentVolume> volumes_;
};

}  // namespace ordo::storage
