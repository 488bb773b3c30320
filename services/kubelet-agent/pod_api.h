// PodApi is the pod manager's edge to the api-server: write a pod's status,
// confirm a deletion, find the directory behind a claim. GrpcPodApi is the real
// one; ordo::testing::FakePodApi (fakes.h) writes to a FakeObjectStore for
// tests. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/api/resource_client.h"
#include "common/api/well_known.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::kubelet {

class PodApi {
 public:
  virtual ~PodApi() = default;
  virtual absl::Status UpdatePodStatus(const core::v1::Pod& pod) = 0;
  // The agent has stopped every container: remove the object (grace 0), but
  // only if it is still the pod with `uid`.
  virtual absl::Status ConfirmPodDeletion(const std::string& ns, const std::string& name,
                                          const std::string& uid) = 0;
  // The host directory of the volume bound to claim `ns/claim`, attached to
  // this node; FAILED_PRECONDITION (with the reason) while the claim is not
  // usable yet: unbound, or a ReadWriteOnce volume every node reaches (the
  // shared class) still attached to another node.
  virtual absl::StatusOr<std::string> ClaimPath(const std::string& ns,
                                                const std::string& claim) = 0;
  // No pod of this node uses the claim any more: let another node attach it.
  virtual absl::Status ReleaseClaim(const std::string& ns, const std::string& claim) = 0;
};

// api::kAttachedNodeAnnotation names the node a shared ReadWriteOnce volume
// is attached to: set by the attaching kubelet, cleared by it when its last
// pod using the volume is gone.
using api::kAttachedNodeAnnotation;

class GrpcPodApi final : public PodApi {
 public:
  GrpcPodApi(std::shared_ptr<grpc::Channel> channel, Clock& clock, std::string node)
      : pods_(channel, clock),
        claims_(channel, clock),
        volumes_(channel, clock),
        node_(std::move(node)) {}

  absl::Status UpdatePodStatus(const core::v1::Pod& pod) override;
  absl::Status ConfirmPodDeletion(const std::string& ns, const std::string& name,
                                  const std::string& uid) override;
  absl::StatusOr<std::string> ClaimPath(const std::string& ns, const std::string& claim) override;
  absl::Status ReleaseClaim(const std::string& ns, const std::string& claim) override;

 private:
  // Attaches `pv` to this node if it is a volume only one node may use.
  absl::Status Attach(const core::v1::PersistentVolume& pv);
  api::ResourceClient<core::v1::Pod> pods_;
  api::ResourceClient<core::v1::PersistentVolumeClaim> claims_;
  api::ResourceClient<core::v1::PersistentVolume> volumes_;
  const std::string node_;
};

}  // namespace ordo::kubelet
