// FakeSchedulerClient is the scheduler's api-server in tests, over one
// testing::FakeObjectStore: a bind sets the pod's node and PodScheduled=True
// as the api-server's binding subresource does, refusing (ABORTED) a pod
// already bound, being deleted, or of another uid; a test can make the next
// binds fail. Thread-safe.
#pragma once

#include <string>

#include "absl/synchronization/mutex.h"
#include "common/testing/fake_object_store.h"
#include "services/scheduler/scheduler_client.h"

namespace ordo::testing {

class FakeSchedulerClient final : public scheduler::SchedulerClient {
 public:
  explicit FakeSchedulerClient(FakeObjectStore& store) : store_(store) {}

  // The next `count` binds fail with `error` and change nothing.
  void FailBinds(int count, absl::Status error);

  absl::Status Bind(const std::string& ns, const std::string& name, const std::string& uid,
                    const std::string& node) override;
  absl::Status UpdatePodStatus(const core::v1::Pod& pod) override {
    return store_.UpdateStatus(pod).status();
  }
  absl::StatusOr<core::v1::PersistentVolumeClaim> GetClaim(const std::string& ns,
                                                           const std::string& name) override {
    return store_.Get<core::v1::PersistentVolumeClaim>(ns, name);
  }
  absl::StatusOr<core::v1::PersistentVolumeClaim> UpdateClaim(
      const core::v1::PersistentVolumeClaim& claim) override {
    return store_.Update(claim);
  }

 private:
  FakeObjectStore& store_;
  absl::Mutex mu_;
  int failing_binds_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status bind_error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ordo::testing
