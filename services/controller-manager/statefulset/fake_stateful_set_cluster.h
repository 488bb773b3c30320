// FakeStatefulSetCluster is the StatefulSet controller's world in tests: one
// testing::FakeObjectStore (the api-server, whose caches the listers read)
// behind the three fake writers, plus the parts tests play: the user
// (PutSet, UserDeletePod) and the kubelet (SetReady, SetPhase,
// FinishTerminating). Those helpers are not logged; the controller's writes
// are, in the order made ("create pod web-0", "delete pod web-2",
// "create pvc www-web-0", "own pvc www-web-0 by Pod/web-0",
// "create revision 2", "update revision 1 to 3", ...). A pod deleted by the
// controller is only marked Terminating until FinishTerminating.
// Thread-safe (the store is).
#pragma once

#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/testing/fake_object_store.h"
#include "services/controller-manager/statefulset/fake_writers.h"
#include "services/controller-manager/statefulset/stateful_set_controller.h"

namespace ordo::testing {

class FakeStatefulSetCluster {
 public:
  explicit FakeStatefulSetCluster(Clock& clock);

  FakeObjectStore store;
  FakePodClaimWriter pod_writer{store};
  FakeRevisionWriter revision_writer{store};
  FakeStatusUpdater status_updater{store};
  // The store's caches, as the controller's informers would hold them.
  informer::Indexer<apps::v1::StatefulSet>& sets;
  informer::Indexer<core::v1::Pod>& pods;
  informer::Indexer<core::v1::PersistentVolumeClaim>& claims;
  informer::Indexer<apps::v1::ControllerRevision>& revisions;
  informer::Indexer<core::v1::Node>& nodes;

  statefulset::StatefulSetListers Listers();
  statefulset::StatefulSetClients Clients() {
    return {pod_writer, revision_writer, status_updater};
  }

  // The controller's writes since the last call, in order (status writes are
  // not listed).
  std::vector<std::string> TakeActions();

  // Stores (creates or replaces) a set as a user would, bumping generation
  // when its spec changed.
  apps::v1::StatefulSet PutSet(apps::v1::StatefulSet set);
  apps::v1::StatefulSet GetSet(const std::string& name, const std::string& ns = "default");
  core::v1::Pod GetPod(const std::string& name, const std::string& ns = "default");
  bool HasPod(const std::string& name, const std::string& ns = "default");
  // Puts a pod in the cache as-is (an orphan, a pod of another owner).
  void PutPod(core::v1::Pod pod);
  // The kubelet: phase Running and Ready=`ready` since now.
  void SetReady(const std::string& name, bool ready = true, const std::string& ns = "default");
  void SetPhase(const std::string& name, const std::string& phase,
                const std::string& ns = "default");
  // The kubelet confirms every graceful deletion: terminating pods leave.
  void FinishTerminating();
  // A user deletes a pod (gracefully).
  void UserDeletePod(const std::string& name, const std::string& ns = "default");

 private:
  Clock& clock_;
};

}  // namespace ordo::testing
