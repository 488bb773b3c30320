// Kubernetes' NodeRestriction admission for the labels of a Node a node
// agent writes itself: it may not set or change labels under
// node-restriction.kubernetes.io (the ones administrators pin workloads
// with), nor other kubernetes.io / k8s.io labels but the few kubelets set
// (hostname, os, arch, topology zone and region, instance type, and the
// kubelet.kubernetes.io and node.kubernetes.io domains). Other labels are
// its own business. Pure functions; safe from any thread.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::authorization {

bool NodeMayLabel(absl::string_view key);

// OK, or PERMISSION_DENIED in Kubernetes' words naming the labels, for a node
// writing `node` over `old` (null on create).
absl::Status RestrictNodeLabels(const core::v1::Node& node, const core::v1::Node* old);

}  // namespace ordo::authorization
