// ObjectWriter is the StatefulSet controller's edge to the api-server: every
// write it makes (pods, claims, revisions, the set's status) and the one
// uncached read (the set, before adopting). ApiObjectWriter is the real one
// over the typed clients; FakeObjectWriter (fake_object_writer.h) writes into
// informer caches so tests can run one Sync at a time. Errors carry the
// api-server's codes (ALREADY_EXISTS, NOT_FOUND, ABORTED on a conflict).
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/api/resource_client.h"

namespace ordo::statefulset {

class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;

  virtual absl::StatusOr<core::v1::Pod> CreatePod(const core::v1::Pod& pod) = 0;
  // An update carrying the resourceVersion it was read at (a conflict is ABORTED).
  virtual absl::StatusOr<core::v1::Pod> UpdatePod(const core::v1::Pod& pod) = 0;
  // A graceful delete of exactly the pod with `uid`.
  virtual absl::Status DeletePod(const std::string& ns, const std::string& name,
                                 const std::string& uid) = 0;

  virtual absl::StatusOr<core::v1::PersistentVolumeClaim> CreateClaim(
      const core::v1::PersistentVolumeClaim& claim) = 0;
  // Changes a claim's ownerReferences (the retention policy), under its resourceVersion.
  virtual absl::StatusOr<core::v1::PersistentVolumeClaim> UpdateClaim(
      const core::v1::PersistentVolumeClaim& claim) = 0;
  // Deletes exactly the claim with `uid`.
  virtual absl::Status DeleteClaim(const std::string& ns, const std::string& name,
                                   const std::string& uid) = 0;

  virtual absl::StatusOr<apps::v1::ControllerRevision> CreateRevision(
      const apps::v1::ControllerRevision& revision) = 0;
  // Read past the cache: a name taken may not have reached the cache yet.
  virtual absl::StatusOr<apps::v1::ControllerRevision> GetRevision(const std::string& ns,
                                                                   const std::string& name) = 0;
  virtual absl::StatusOr<apps::v1::ControllerRevision> UpdateRevision(
      const apps::v1::ControllerRevision& revision) = 0;
  virtual absl::Status DeleteRevision(const std::string& ns, const std::string& name) = 0;

  // Read past the cache: adoption must see a set that is really there.
  virtual absl::StatusOr<apps::v1::StatefulSet> GetStatefulSet(const std::string& ns,
                                                               const std::string& name) = 0;
  // Writes `set.status` (retrying conflicts server-side).
  virtual absl::Status UpdateStatefulSetStatus(const apps::v1::StatefulSet& set) = 0;
};

class ApiObjectWriter final : public ObjectWriter {
 public:
  ApiObjectWriter(std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : pods_(channel, clock),
        claims_(channel, clock),
        revisions_(channel, clock),
        sets_(channel, clock) {}

  absl::StatusOr<core::v1::Pod> CreatePod(const core::v1::Pod& pod) override {
    return pods_.Create(pod);
  }
  absl::StatusOr<core::v1::Pod> UpdatePod(const core::v1::Pod& pod) override {
    return pods_.Update(pod);
  }
  absl::Status DeletePod(const std::string& ns, const std::string& name,
                         const std::string& uid) override;
  absl::StatusOr<core::v1::PersistentVolumeClaim> CreateClaim(
      const core::v1::PersistentVolumeClaim& claim) override {
    return claims_.Create(claim);
  }
  absl::StatusOr<core::v1::PersistentVolumeClaim> UpdateClaim(
      const core::v1::PersistentVolumeClaim& claim) override {
    return claims_.Update(claim);
  }
  absl::Status DeleteClaim(const std::string& ns, const std::string& name,
                           const std::string& uid) override;
  absl::StatusOr<apps::v1::ControllerRevision> CreateRevision(
      const apps::v1::ControllerRevision& revision) override {
    return revisions_.Create(revision);
  }
  absl::StatusOr<apps::v1::ControllerRevision> GetRevision(const std::string& ns,
                                                           const std::string& name) override {
    return revisions_.Get(ns, name);
  }
  absl::StatusOr<apps::v1::ControllerRevision> UpdateRevision(
      const apps::v1::ControllerRevision& revision) override {
    return revisions_.Update(revision);
  }
  absl::Status DeleteRevision(const std::string& ns, const std::string& name) override;
  absl::StatusOr<apps::v1::StatefulSet> GetStatefulSet(const std::string& ns,
                                                       const std::string& name) override {
    return sets_.Get(ns, name);
  }
  absl::Status UpdateStatefulSetStatus(const apps::v1::StatefulSet& set) override;

 private:
  api::ResourceClient<core::v1::Pod> pods_;
  api::ResourceClient<core::v1::PersistentVolumeClaim> claims_;
  api::ResourceClient<apps::v1::ControllerRevision> revisions_;
  api::ResourceClient<apps::v1::StatefulSet> sets_;
};

}  // namespace ordo::statefulset
