// The scheduler's filters and scores, as pure functions over a pod and a
// NodeInfo, and the "0/3 nodes are available: ..." message Kubernetes prints
// when no node fits. Stateless.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/api/tolerations.h"
#include "services/scheduler/node_info.h"

namespace ordo::scheduler {

// The node affinities of the persistent volumes bound to a pod's claims.
using VolumeAffinities = std::vector<std::shared_ptr<const core::v1::PersistentVolume>>;

// Why the node cannot take the pod, in Kubernetes' words ("node(s) were
// unschedulable", "Insufficient cpu", "node(s) had volume node affinity
// conflict", ...); empty when it can.
std::vector<std::string> Filter(const core::v1::Pod& pod, const Resources& requests,
                                const NodeInfo& node, const VolumeAffinities& volumes = {});

// Whether `node` satisfies `selector` (terms ORed, requirements ANDed; the
// operators In, NotIn, Exists, DoesNotExist, Gt, Lt; matchFields on
// metadata.name).
bool MatchesNodeSelector(const core::v1::NodeSelector& selector, const core::v1::Node& node);

// Higher is better: the share of cpu and memory left after placing the pod
// (least allocated over non-zero requests, 0..100), less 10 for each pod of the same owner already
// on the node (spreading a set's pods across nodes).
// `owner` is ControllerUid(pod).
int64_t Score(const std::string& owner, const Resources& requests, const NodeInfo& node);

// "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu."
// from the count of nodes per reason.
std::string FitErrorMessage(int total_nodes, const std::map<std::string, int>& reasons);

// Whether `tolerations` tolerate `taint` (common/api/tolerations.h).
using api::Tolerates;

}  // namespace ordo::scheduler
