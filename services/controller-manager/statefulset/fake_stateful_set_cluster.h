// FakeObjectWriter is the StatefulSet controller's api-server in tests: writes
// land at once in informer caches (Indexers) the controller's listers read,
// with uids, resourceVersions, creation times, conflicts and AlreadyExists as
// the api-server gives them. A delete only marks a pod Terminating (a kubelet
// would confirm it); tests end it with FinishTerminating. Every write is
// logged ("create pod web-0", "delete pod web-2", "create pvc www-web-0", ...)
// so a test can assert the exact order. Helpers play the kubelet's part.
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/clock/clock.h"
#include "common/informer/indexer.h"
#include "services/controller-manager/statefulset/object_writer.h"
#include "services/controller-manager/statefulset/stateful_set_controller.h"

namespace ordo::testing {

class FakeObjectWriter final : public statefulset::ObjectWriter {
 public:
  explicit FakeObjectWriter(Clock& clock) : clock_(clock) {}

  informer::Indexer<apps::v1::StatefulSet> sets;
  informer::Indexer<core::v1::Pod> pods;
  informer::Indexer<core::v1::PersistentVolumeClaim> claims;
  informer::Indexer<apps::v1::ControllerRevision> revisions;
  informer::Indexer<core::v1::Node> nodes;

  statefulset::StatefulSetListers Listers() {
    return {informer::Lister(sets), informer::Lister(pods), informer::Lister(claims),
            informer::Lister(revisions), informer::Lister(nodes)};
  }

  // The writes made since the last call, in order.
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

  absl::StatusOr<core::v1::Pod> CreatePod(const core::v1::Pod& pod) override;
  absl::StatusOr<core::v1::Pod> UpdatePod(const core::v1::Pod& pod) override;
  absl::Status DeletePod(const std::string& ns, const std::string& name,
                         const std::string& uid) override;
  absl::StatusOr<core::v1::PersistentVolumeClaim> CreateClaim(
      const core::v1::PersistentVolumeClaim& claim) override;
  absl::StatusOr<core::v1::PersistentVolumeClaim> UpdateClaim(
      const core::v1::PersistentVolumeClaim& claim) override;
  absl::Status DeleteClaim(const std::string& ns, const std::string& name,
                           const std::string& uid) override;
  absl::StatusOr<apps::v1::ControllerRevision> CreateRevision(
      const apps::v1::ControllerRevision& revision) override;
  absl::StatusOr<apps::v1::ControllerRevision> GetRevision(const std::string& ns,
                                                           const std::string& name) override;
  absl::StatusOr<apps::v1::ControllerRevision> UpdateRevision(
      const apps::v1::ControllerRevision& revision) override;
  absl::Status DeleteRevision(const std::string& ns, const std::string& name) override;
  absl::StatusOr<apps::v1::StatefulSet> GetStatefulSet(const std::string& ns,
                                                       const std::string& name) override;
  absl::Status UpdateStatefulSetStatus(const apps::v1::StatefulSet& set) override;

 private:
  // Fills uid, resourceVersion and creationTimestamp of a new object.
  void Stamp(meta::v1::ObjectMeta& meta, bool created);
  void Log(std::string action);

  Clock& clock_;
  absl::Mutex mu_;
  int64_t next_version_ ABSL_GUARDED_BY(mu_) = 1;
  std::vector<std::string> actions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ordo::testing
