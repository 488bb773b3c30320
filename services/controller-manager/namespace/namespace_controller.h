// NamespaceController empties a namespace being deleted, as Kubernetes'
// namespace controller does: for a Namespace with a deletionTimestamp that
// still holds the "kubernetes" finalizer (the api-server adds it when it
// deletes a namespace with objects in it), it asks the api-server to delete
// every object of every namespaced kind there (pods gracefully; Services, and
// with them the namespace's DNS names), waits until none is left, then
// removes the finalizer, and the api-server removes the namespace. While
// objects remain it looks again when a pod of the namespace goes, and at
// least every `recheck`. Thread-safety: as Controller.
#pragma once

#include <memory>
#include <string>

#include "common/api/generic_client.h"
#include "common/api/resource_client.h"
#include "common/informer/indexer.h"
#include "common/informer/shared_informer.h"
#include "services/controller-manager/controller.h"
#include "services/controller-manager/controller_descriptor.h"

namespace ordo::namespaces {

// The finalizer that holds a namespace until it is empty.
inline constexpr char kNamespaceFinalizer[] = "kubernetes";

// The controller's edge to the api-server. ApiNamespaceContent is the real
// one; the test has a fake over FakeObjectStore.
class NamespaceContent {
 public:
  virtual ~NamespaceContent() = default;
  // Asks for the deletion of every object of every namespaced kind in `ns`
  // not being deleted already; returns how many objects are still there.
  virtual absl::StatusOr<int> DeleteAll(const std::string& ns) = 0;
  // Removes kNamespaceFinalizer from namespace `name` (ABORTED if it changed
  // meanwhile: the queue retries).
  virtual absl::Status Finalize(const core::v1::Namespace& ns) = 0;
};

class ApiNamespaceContent final : public NamespaceContent {
 public:
  ApiNamespaceContent(std::shared_ptr<grpc::Channel> channel, Clock& clock)
      : client_(channel, clock), namespaces_(channel, clock) {}
  absl::StatusOr<int> DeleteAll(const std::string& ns) override;
  absl::Status Finalize(const core::v1::Namespace& ns) override;

 private:
  api::GenericClient client_;
  api::ResourceClient<core::v1::Namespace> namespaces_;
};

class NamespaceController final : public controller::Controller {
 public:
  NamespaceController(informer::Lister<core::v1::Namespace> namespaces, NamespaceContent& content,
                      Clock& clock, absl::Duration recheck = absl::Seconds(2))
      : Controller(clock), namespaces_(namespaces), content_(content), recheck_(recheck) {}

  std::string Name() const override { return "namespace-controller"; }
  absl::Status Sync(const std::string& key) override;

  informer::EventHandler<core::v1::Namespace> NamespaceHandler();
  // A pod gone from a terminating namespace may have been its last object.
  informer::EventHandler<core::v1::Pod> PodHandler();

 private:
  informer::Lister<core::v1::Namespace> namespaces_;
  NamespaceContent& content_;
  const absl::Duration recheck_;
};

// The controller-manager's entry for this controller (registration.cc).
controller::ControllerDescriptor NamespaceControllerDescriptor();

}  // namespace ordo::namespaces
