// EndpointsController keeps, for every Service with a selector, an Endpoints
// object of the same name listing the pods it selects (reference dns.md §1.2,
// Kubernetes' endpoints controller):
//   - a pod with an IP that has not finished is an address; it is ready when
//     the Service publishes not-ready addresses, or the pod is Ready and not
//     being deleted; a pod being deleted is left out unless the Service
//     publishes not-ready addresses;
//   - `hostname` is set only for pods whose spec.subdomain names the Service
//     (a StatefulSet pod under its serviceName);
//   - each Service port is resolved per pod (a named targetPort is looked up
//     among the pod's container ports; a pod without it is left out of that
//     port), and pods with the same resolved ports share a subset.
// The object is written only when it changes; a Service gone takes its
// Endpoints with it. Thread-safety: as Controller.
#pragma once

#include "common/api/resource_client.h"
#include "common/informer/indexer.h"
#include "common/informer/shared_informer.h"
#include "services/controller-manager/controller.h"
#include "services/controller-manager/controller_descriptor.h"

namespace ordo::endpoints {

class EndpointsWriter {
 public:
  virtual ~EndpointsWriter() = default;
  virtual absl::Status Create(const core::v1::Endpoints& e) = 0;
  virtual absl::Status Update(const core::v1::Endpoints& e) = 0;
  virtual absl::Status Delete(const std::string& ns, const std::string& name) = 0;
};

class ApiEndpointsWriter final : public EndpointsWriter {
 public:
  ApiEndpointsWriter(std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : client_(std::move(channel), clock) {}
  absl::Status Create(const core::v1::Endpoints& e) override { return client_.Create(e).status(); }
  absl::Status Update(const core::v1::Endpoints& e) override { return client_.Update(e).status(); }
  absl::Status Delete(const std::string& ns, const std::string& name) override;

 private:
  api::ResourceClient<core::v1::Endpoints> client_;
};

struct EndpointsListers {
  informer::Lister<core::v1::Service> services;
  informer::Lister<core::v1::Pod> pods;
  informer::Lister<core::v1::Endpoints> endpoints;
};

// The subsets a Service's Endpoints should hold given the pods (pure).
std::vector<core::v1::EndpointSubset> DesiredSubsets(
    const core::v1::Service& service,
    const std::vector<std::shared_ptr<const core::v1::Pod>>& pods);

class EndpointsController final : public controller::Controller {
 public:
  EndpointsController(EndpointsListers listers, EndpointsWriter& writer, Clock& clock)
      : Controller(clock), listers_(listers), writer_(writer) {}

  std::string Name() const override { return "endpoints-controller"; }
  absl::Status Sync(const std::string& key) override;

  informer::EventHandler<core::v1::Service> ServiceHandler();
  informer::EventHandler<core::v1::Pod> PodHandler();

 private:
  // Every Service of the pod's namespace whose selector matches `pod`.
  void EnqueueServicesOf(const core::v1::Pod& pod);

  EndpointsListers listers_;
  EndpointsWriter& writer_;
};

// The controller-manager's entry for this controller (registration.cc).
controller::ControllerDescriptor EndpointsControllerDescriptor();

}  // namespace ordo::endpoints
