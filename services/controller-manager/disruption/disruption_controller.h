// DisruptionController keeps every PodDisruptionBudget's status, which the
// Eviction call checks (reference §3.8, Kubernetes' disruption controller):
//   expectedPods    minAvailable as a number: the matching pods; otherwise the
//                   owning StatefulSets' spec.replicas (a pod without one
//                   counts itself);
//   desiredHealthy  minAvailable (a number), ceil(pct x expected), or
//                   expected - ceil(maxUnavailable scaled to expected);
//   currentHealthy  matching pods that are Ready and not being deleted;
//   disruptionsAllowed = max(0, current - desired), with the condition
//   DisruptionAllowed (SufficientPods / InsufficientPods), observedGeneration,
//   and disruptedPods entries pruned once their pods are gone or 2 min old.
// Written only when it changed. Thread-safety: as Controller.
#pragma once

#include "common/api/resource_client.h"
#include "common/informer/indexer.h"
#include "common/informer/shared_informer.h"
#include "services/controller-manager/controller.h"
#include "services/controller-manager/controller_descriptor.h"

namespace ordo::disruption {

using policy::v1::PodDisruptionBudget;
using policy::v1::PodDisruptionBudgetStatus;

class PdbWriter {
 public:
  virtual ~PdbWriter() = default;
  virtual absl::Status UpdateStatus(const PodDisruptionBudget& pdb) = 0;
};

class ApiPdbWriter final : public PdbWriter {
 public:
  ApiPdbWriter(std::shared_ptr<grpc::Channel> channel, Clock& clock) : client_(channel, clock) {}
  absl::Status UpdateStatus(const PodDisruptionBudget& pdb) override {
    return client_.UpdateStatus(pdb).status();
  }

 private:
  api::ResourceClient<policy::v1::PodDisruptionBudget> client_;
};

// The status `pdb` should have (pure; conditions keep their transition time
// when unchanged).
PodDisruptionBudgetStatus ComputeStatus(
    const PodDisruptionBudget& pdb, const std::vector<std::shared_ptr<const core::v1::Pod>>& pods,
    informer::Lister<apps::v1::StatefulSet>& sets, absl::Time now);

class DisruptionController final : public controller::Controller {
 public:
  DisruptionController(informer::Lister<PodDisruptionBudget> pdbs,
                       informer::Lister<core::v1::Pod> pods,
                       informer::Lister<apps::v1::StatefulSet> sets, PdbWriter& writer,
                       Clock& clock)
      : Controller(clock), pdbs_(pdbs), pods_(pods), sets_(sets), writer_(writer), clock_(clock) {}

  std::string Name() const override { return "disruption-controller"; }
  absl::Status Sync(const std::string& key) override;

  informer::EventHandler<PodDisruptionBudget> PdbHandler();
  informer::EventHandler<core::v1::Pod> PodHandler();
  informer::EventHandler<apps::v1::StatefulSet> SetHandler();

 private:
  void EnqueueNamespace(const std::string& ns);

  informer::Lister<PodDisruptionBudget> pdbs_;
  informer::Lister<core::v1::Pod> pods_;
  informer::Lister<apps::v1::StatefulSet> sets_;
  PdbWriter& writer_;
  Clock& clock_;
};

// The controller-manager's entry for this controller (registration.cc).
controller::ControllerDescriptor DisruptionControllerDescriptor();

}  // namespace ordo::disruption
