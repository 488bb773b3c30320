// SchedulerClient is the scheduler's edge to the api-server: the writes it
// makes (bind a pod, report it unschedulable, mark a claim with the chosen
// node) and the one read past the cache that marking needs.
// ApiSchedulerClient is the real one over the typed clients;
// FakeSchedulerClient (fake_scheduler_client.h) writes to a FakeObjectStore.
// Errors carry the api-server's codes (NOT_FOUND, ABORTED on a conflict or a
// pod already bound).
// Thread-safety: implementations are safe to call from many threads at once.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/api/resource_client.h"

namespace ordo::scheduler {

class SchedulerClient {
 public:
  virtual ~SchedulerClient() = default;

  // Binds exactly the pod with `uid` to `node` (the Binding subresource).
  virtual absl::Status Bind(const std::string& ns, const std::string& name, const std::string& uid,
                            const std::string& node) = 0;
  virtual absl::Status UpdatePodStatus(const core::v1::Pod& pod) = 0;
  virtual absl::StatusOr<core::v1::PersistentVolumeClaim> GetClaim(const std::string& ns,
                                                                   const std::string& name) = 0;
  // Under the claim's resourceVersion (a conflict is ABORTED).
  virtual absl::StatusOr<core::v1::PersistentVolumeClaim> UpdateClaim(
      const core::v1::PersistentVolumeClaim& claim) = 0;
};

class ApiSchedulerClient final : public SchedulerClient {
 public:
  ApiSchedulerClient(std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : clock_(clock), pods_(channel, clock), claims_(channel, clock) {}

  absl::Status Bind(const std::string& ns, const std::string& name, const std::string& uid,
                    const std::string& node) override;
  absl::Status UpdatePodStatus(const core::v1::Pod& pod) override {
    return pods_.UpdateStatus(pod).status();
  }
  absl::StatusOr<core::v1::PersistentVolumeClaim> GetClaim(const std::string& ns,
                                                           const std::string& name) override {
    return claims_.Get(ns, name);
  }
  absl::StatusOr<core::v1::PersistentVolumeClaim> UpdateClaim(
      const core::v1::PersistentVolumeClaim& claim) override {
    return claims_.Update(claim);
  }

 private:
  Clock& clock_;
  api::ResourceClient<core::v1::Pod> pods_;
  api::ResourceClient<core::v1::PersistentVolumeClaim> claims_;
};

}  // namespace ordo::scheduler
