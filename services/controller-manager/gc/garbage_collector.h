// GarbageCollector removes what nobody owns any more, as Kubernetes' garbage
// collector does (reference §2.13): each key is an object's uid, synced from
// the ObjectGraph:
//   - every owner gone (confirmed past the graph by GcClient): the object is
//     deleted (background), or deleted in the foreground when an owner is
//     itself waiting on its dependents; owners gone while others remain are
//     dropped from its ownerReferences;
//   - an object being deleted with the `orphan` finalizer: its dependents
//     lose their references to it, then the finalizer goes;
//   - an object being deleted with `foregroundDeletion`: its dependents are
//     deleted, and the finalizer goes once none with blockOwnerDeletion is
//     left.
// GraphBuilder (graph_builder.h) feeds the graph and the queue.
// Thread-safety: as Controller.
#pragma once

#include "services/controller-manager/controller.h"
#include "services/controller-manager/controller_descriptor.h"
#include "services/controller-manager/gc/gc_client.h"
#include "services/controller-manager/gc/object_graph.h"

namespace ordo::gc {

class GarbageCollector final : public controller::Controller {
 public:
  GarbageCollector(ObjectGraph& graph, GcClient& client, Clock& clock)
      : Controller(clock), graph_(graph), client_(client) {}

  std::string Name() const override { return "garbage-collector"; }
  absl::Status Sync(const std::string& uid) override;

  // Enqueues every uid of `uids`.
  void Enqueue(const std::vector<std::string>& uids);

 private:
  absl::Status OrphanDependents(const ObjectNode& node);
  absl::Status DeleteDependents(const ObjectNode& node);
  absl::Status CollectIfOwnerless(const ObjectNode& node);

  ObjectGraph& graph_;
  GcClient& client_;
};

// The controller-manager's entry for the garbage collector (registration.cc).
controller::ControllerDescriptor GarbageCollectorDescriptor();

}  // namespace ordo::gc
