#include "services/scheduler/fake_scheduler_client.h"

#include "absl/strings/str_cat.h"
#include "common/api/pod_conditions.h"

namespace ordo::testing {

void FakeSchedulerClient::FailBinds(int count, absl::Status error) {
  absl::MutexLock lock(&mu_);
  failing_binds_ = count;
  bind_error_ = std::move(error);
}

absl::Status FakeSchedulerClient::Bind(const std::string& ns, const std::string& name,
                                       const std::string& uid, const std::string& node) {
  {
    absl::MutexLock lock(&mu_);
    if (failing_binds_ > 0) {
      --failing_binds_;
      return bind_error_;
    }
  }
  return store_
      .Apply<core::v1::Pod>(
          "create", "binding", ns, name,
          [&](core::v1::Pod& pod) -> absl::Status {
            if (!uid.empty() && pod.metadata().uid() != uid) {
              return absl::AbortedError(absl::StrCat("pod ", name, ": uid precondition failed"));
            }
            if (pod.metadata().has_deletion_timestamp()) {
              return absl::AbortedError("pod is being deleted, cannot be assigned to a host");
            }
            if (!pod.spec().node_name().empty()) {
              return absl::AbortedError(absl::StrCat(
                  "pod ", name, " is already assigned to node \"", pod.spec().node_name(), "\""));
            }
            pod.mutable_spec()->set_node_name(node);
            api::SetPodCondition(*pod.mutable_status(), "PodScheduled", "True", "", "",
                                 store_.clock().Now());
            return absl::OkStatus();
          })
      .status();
}

}  // namespace ordo::testing
