// The StatefulSet's spec words and defaults that several components read: the
// api-server (defaulting, validation), the controllers and ordoctl. One truth
// for each, so a policy name or the replicas default is written once.
// Stateless.
#pragma once

#include <cstdint>

#include "ordo/apps/v1/apps.pb.h"

namespace ordo::api {

// spec.podManagementPolicy
inline constexpr char kOrderedReadyPodManagement[] = "OrderedReady";
inline constexpr char kParallelPodManagement[] = "Parallel";
// spec.updateStrategy.type
inline constexpr char kRollingUpdateStrategy[] = "RollingUpdate";
inline constexpr char kOnDeleteStrategy[] = "OnDelete";

// spec.replicas when unset (the api-server defaults it, so only an object
// that never went through it lacks one).
inline constexpr int32_t kDefaultReplicas = 1;

// The replicas a set asks for.
inline int32_t DesiredReplicas(const apps::v1::StatefulSetSpec& spec) {
  return spec.has_replicas() ? spec.replicas() : kDefaultReplicas;
}

}  // namespace ordo::api
