// The status the kubelet reports for a pod, built from the agent's record of
// it (pod_state.h) as Kubernetes' kubelet builds it: each container running,
// terminated (not to be restarted, or the pod is being stopped) or waiting
// (with why), its last termination; the phase (Succeeded or Failed once every
// container finished for good or stopped for a deletion, Failed with the
// reason once the agent ended the pod, Running once one started, else
// Pending); the conditions
// Initialized, Ready, ContainersReady and PodScheduled, keeping each one's
// lastTransitionTime while its status holds; the pod's IPs, the host's IP,
// startTime and qosClass. Pure but for adding missing containers to `state`;
// call under the lock that guards `state`.
#pragma once

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "ordo/core/v1/core.pb.h"
#include "services/kubelet-agent/pod_state.h"
#include "services/kubelet-agent/prober.h"

namespace ordo::kubelet {

core::v1::PodStatus BuildPodStatus(
    PodState& state, const core::v1::Pod& pod,
    const std::function<ProbeResults(const std::string& container)>& probe_results,
    const std::string& node_ip, absl::Time now);

}  // namespace ordo::kubelet
