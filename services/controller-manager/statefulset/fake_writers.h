// The fakes of the StatefulSet controller's seams. The three writers
// (writers.h) each delegate to one testing::FakeObjectStore, which stamps and
// refuses as the api-server does and logs every call; FakeStatefulSetControl
// records what the controller hands it. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/testing/fake_object_store.h"
#include "services/controller-manager/statefulset/stateful_set_control.h"
#include "services/controller-manager/statefulset/writers.h"

namespace ordo::testing {

class FakePodClaimWriter final : public statefulset::PodClaimWriter {
 public:
  explicit FakePodClaimWriter(FakeObjectStore& store) : store_(store) {}

  absl::StatusOr<core::v1::Pod> CreatePod(const core::v1::Pod& pod) override {
    return store_.Create(pod);
  }
  absl::StatusOr<core::v1::Pod> UpdatePod(const core::v1::Pod& pod) override {
    return store_.Update(pod);
  }
  absl::Status DeletePod(const std::string& ns, const std::string& name,
                         const std::string& uid) override {
    return store_.Delete<core::v1::Pod>(ns, name, {.uid = uid});
  }
  absl::StatusOr<core::v1::PersistentVolumeClaim> CreateClaim(
      const core::v1::PersistentVolumeClaim& claim) override {
    return store_.Create(claim);
  }
  absl::StatusOr<core::v1::PersistentVolumeClaim> UpdateClaim(
      const core::v1::PersistentVolumeClaim& claim) override {
    return store_.Update(claim);
  }
  absl::Status DeleteClaim(const std::string& ns, const std::string& name,
                           const std::string& uid) override;

 private:
  FakeObjectStore& store_;
};

class FakeRevisionWriter final : public statefulset::RevisionWriter {
 public:
  explicit FakeRevisionWriter(FakeObjectStore& store) : store_(store) {}

  absl::StatusOr<apps::v1::ControllerRevision> CreateRevision(
      const apps::v1::ControllerRevision& revision) override {
    return store_.Create(revision);
  }
  absl::StatusOr<apps::v1::ControllerRevision> GetRevision(const std::string& ns,
                                                           const std::string& name) override {
    return store_.Get<apps::v1::ControllerRevision>(ns, name);
  }
  absl::StatusOr<apps::v1::ControllerRevision> UpdateRevision(
      const apps::v1::ControllerRevision& revision) override {
    return store_.Update(revision);
  }
  absl::Status DeleteRevision(const std::string& ns, const std::string& name) override;

 private:
  FakeObjectStore& store_;
};

class FakeStatusUpdater final : public statefulset::StatusUpdater {
 public:
  explicit FakeStatusUpdater(FakeObjectStore& store) : store_(store) {}

  absl::Status UpdateStatefulSetStatus(const apps::v1::StatefulSet& set) override;
  absl::StatusOr<apps::v1::StatefulSet> GetStatefulSet(const std::string& ns,
                                                       const std::string& name) override {
    return store_.Get<apps::v1::StatefulSet>(ns, name);
  }

 private:
  FakeObjectStore& store_;
};

// Records each Sync the controller asks for and answers with `result`.
class FakeStatefulSetControl final : public statefulset::StatefulSetControl {
 public:
  struct Call {
    std::string set;                 // "namespace/name"
    std::vector<std::string> pods;   // names, in the order handed over
    std::vector<int64_t> revisions;  // revision numbers
  };

  absl::StatusOr<absl::Duration> Sync(const apps::v1::StatefulSet& set,
                                      const std::vector<statefulset::PodPtr>& pods,
                                      std::vector<statefulset::RevisionPtr> revisions) override;

  std::vector<Call> TakeCalls();
  void set_result(absl::StatusOr<absl::Duration> result);

 private:
  absl::Mutex mu_;
  std::vector<Call> calls_ ABSL_GUARDED_BY(mu_);
  absl::StatusOr<absl::Duration> result_ ABSL_GUARDED_BY(mu_) = absl::InfiniteDuration();
};

}  // namespace ordo::testing
