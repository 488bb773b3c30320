// SetPodCondition writes one condition of a pod's status, adding it when the
// pod has none of that type, as the api-server's binding and the scheduler
// (and the fakes that stand in for them) do. Stateless.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "common/clock/timestamp.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::api {

// Sets condition `type` to `status`, `reason` and `message` (empty clears
// them), its lastTransitionTime to `now`.
inline void SetPodCondition(core::v1::PodStatus& pod_status, const std::string& type,
                            const std::string& status, const std::string& reason,
                            const std::string& message, absl::Time now) {
  core::v1::PodCondition* condition = nullptr;
  for (auto& c : *pod_status.mutable_conditions()) {
    if (c.type() == type) condition = &c;
  }
  if (condition == nullptr) condition = pod_status.add_conditions();
  condition->set_type(type);
  condition->set_status(status);
  condition->set_reason(reason);
  condition->set_message(message);
  SetTimestamp(condition->mutable_last_transition_time(), now);
}

}  // namespace ordo::api
