// The StatefulSet controller's edges to the api-server, one interface per
// thing it writes (client-go's StatefulPodControlObjectManager,
// StatefulSetStatusUpdaterInterface and history.Interface):
//   PodClaimWriter   pods and their claims (StatefulPodControl, adoption);
//   RevisionWriter   ControllerRevisions (RevisionHistory, adoption);
//   StatusUpdater    the set's status, and the one read past the cache that
//                    adoption makes.
// The real ones are in api_writers.h; the fakes, over one
// testing::FakeObjectStore, in fake_writers.h. Errors carry the api-server's
// codes: ALREADY_EXISTS, NOT_FOUND, ABORTED on a conflict or a uid that no
// longer matches.
// Thread-safety: implementations are safe to call from many threads at once.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::statefulset {

class PodClaimWriter {
 public:
  virtual ~PodClaimWriter() = default;

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
  // Deletes exactly the claim with `uid`; a claim already gone is success.
  virtual absl::Status DeleteClaim(const std::string& ns, const std::string& name,
                                   const std::string& uid) = 0;
};

class RevisionWriter {
 public:
  virtual ~RevisionWriter() = default;

  virtual absl::StatusOr<apps::v1::ControllerRevision> CreateRevision(
      const apps::v1::ControllerRevision& revision) = 0;
  // Read past the cache: a name taken may not have reached the cache yet.
  virtual absl::StatusOr<apps::v1::ControllerRevision> GetRevision(const std::string& ns,
                                                                   const std::string& name) = 0;
  virtual absl::StatusOr<apps::v1::ControllerRevision> UpdateRevision(
      const apps::v1::ControllerRevision& revision) = 0;
  // A revision already gone is success.
  virtual absl::Status DeleteRevision(const std::string& ns, const std::string& name) = 0;
};

class StatusUpdater {
 public:
  virtual ~StatusUpdater() = default;

  // Writes `set.status` (retrying conflicts server-side).
  virtual absl::Status UpdateStatefulSetStatus(const apps::v1::StatefulSet& set) = 0;
  // Read past the cache: adoption must see a set that is really there.
  virtual absl::StatusOr<apps::v1::StatefulSet> GetStatefulSet(const std::string& ns,
                                                               const std::string& name) = 0;
};

// The three, as the controller and its control are handed them.
struct StatefulSetClients {
  PodClaimWriter& pods;
  RevisionWriter& revisions;
  StatusUpdater& sets;
};

}  // namespace ordo::statefulset
