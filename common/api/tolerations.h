// Kubernetes' toleration matching (k8s.io/api core/v1 ToleratesTaint): a
// toleration matches a taint when its effect is empty or equal, and either
// its key is empty with operator Exists (tolerates everything), or the keys
// are equal and the operator is Exists or the values are equal. Shared by the
// scheduler (NoSchedule/NoExecute filtering) and taint eviction. Stateless.
#pragma once

#include "ordo/core/v1/core.pb.h"

namespace ordo::api {

// The first toleration matching `taint`, or null.
inline const core::v1::Toleration* MatchingToleration(
    const google::protobuf::RepeatedPtrField<core::v1::Toleration>& tolerations,
    const core::v1::Taint& taint) {
  for (const auto& t : tolerations) {
    if (!t.effect().empty() && t.effect() != taint.effect()) continue;
    if (t.key().empty() && t.operator_() == "Exists") return &t;
    if (t.key() != taint.key()) continue;
    if (t.operator_() == "Exists" || t.value() == taint.value()) return &t;
  }
  return nullptr;
}

inline bool Tolerates(const google::protobuf::RepeatedPtrField<core::v1::Toleration>& tolerations,
                      const core::v1::Taint& taint) {
  return MatchingToleration(tolerations, taint) != nullptr;
}

}  // namespace ordo::api
