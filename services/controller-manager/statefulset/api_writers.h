// The real StatefulSet controller edges (writers.h) over the api-server's
// typed clients. Deletes are by uid (preconditions), so a pod or claim that
// was replaced meanwhile is never the one deleted.
// Thread-safety: safe to call from many threads at once.
#pragma once

#include <memory>
#include <string>

#include "common/api/resource_client.h"
#include "services/controller-manager/statefulset/writers.h"

namespace ordo::statefulset {

class ApiPodClaimWriter final : public PodClaimWriter {
 public:
  ApiPodClaimWriter(std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : pods_(channel, clock), claims_(channel, clock) {}

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

 private:
  api::ResourceClient<core::v1::Pod> pods_;
  api::ResourceClient<core::v1::PersistentVolumeClaim> claims_;
};

class ApiRevisionWriter final : public RevisionWriter {
 public:
  ApiRevisionWriter(std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : revisions_(channel, clock) {}

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

 private:
  api::ResourceClient<apps::v1::ControllerRevision> revisions_;
};

class ApiStatusUpdater final : public StatusUpdater {
 public:
  ApiStatusUpdater(std::shared_ptr<grpc::Channel> channel, Clock& clock) : sets_(channel, clock) {}

  absl::Status UpdateStatefulSetStatus(const apps::v1::StatefulSet& set) override;
  absl::StatusOr<apps::v1::StatefulSet> GetStatefulSet(const std::string& ns,
                                                       const std::string& name) override {
    return sets_.Get(ns, name);
  }

 private:
  api::ResourceClient<apps::v1::StatefulSet> sets_;
};

}  // namespace ordo::statefulset
