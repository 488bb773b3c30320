// How one container of a pod becomes what the shim runs
// (agent::v1::ContainerLaunch): its argv (command and args, or the image's
// program), PATH with ordo's binaries, the environment Kubernetes gives
// (field refs resolved), the pod's /etc/hosts, resolv.conf and /tmp, each
// volume bound where the container mounts it (a claim's directory, a
// hostPath, an emptyDir writable by any user), the masked paths, and the
// securityContext's user, groups and dropped capabilities.
// Stateless functions; safe from any thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ordo/agent/v1/agent.pb.h"
#include "ordo/core/v1/core.pb.h"

namespace ordo::kubelet {

// What the agent was started with (its flags), as far as pods see it.
struct AgentConfig {
  std::string node_name;
  std::string node_ip = "127.0.0.1";
  // Pods live under <root_dir>/pods/<uid>/.
  std::string root_dir;
  std::string cluster_domain = "cluster.local";
  // Nameservers for pods' resolv.conf; empty copies the host's nameservers.
  std::vector<std::string> dns_servers;
  // Prepended to PATH in containers (the directory of ordo's own binaries, so
  // `image: ordo-podapp` runs).
  std::string extra_path;
  absl::Duration initial_backoff = absl::Seconds(10);
  absl::Duration max_backoff = absl::Seconds(300);
  // Hidden from every container (the cluster's keys, store and the agent's
  // own state): an empty read-only directory or file in their place.
  std::vector<std::string> masked_paths;
  // Where each container's shim takes its identity lease and records its
  // start and stop (identity_ledger.h; a witness for tests). Empty: nowhere.
  std::string identity_ledger;
};

// The container's user, group and dropped capabilities from its and its
// pod's securityContext (the container's win), into `launch`.
// INVALID_ARGUMENT (the container waits as CreateContainerConfigError) when
// runAsNonRoot is set and the container would run as root.
absl::Status ApplySecurityContext(const core::v1::Pod& pod, const core::v1::Container& spec,
                                  agent::v1::ContainerLaunch& launch);

// Where a container's run lives.
struct LaunchSite {
  std::string pod_dir;        // hosts, resolv.conf, tmp/ and emptyDirs' volumes/
  std::string container_dir;  // this run's log (<run>.log) and exit file
  std::string pod_ip;
  int run = 0;
};

// The directory of claim `claim` of namespace `ns` on this node.
using ClaimPathLookup =
    std::function<absl::StatusOr<std::string>(const std::string& ns, const std::string& claim)>;

// The launch of `spec`, creating its volumes' directories. On failure,
// Kubernetes' waiting reason is put in `waiting_reason` where it has one:
// ErrImagePull (no such program on this node), CreateContainerConfigError
// (the securityContext cannot be met); other errors leave it.
absl::StatusOr<agent::v1::ContainerLaunch> BuildLaunch(
    const core::v1::Pod& pod, const core::v1::Container& spec, const AgentConfig& config,
    const LaunchSite& site, const ClaimPathLookup& claim_path, std::string* waiting_reason);

// The argv a container runs: command + args, where an empty command runs the
// image's name (its last path component, without tag or digest) from PATH.
std::vector<std::string> ContainerArgv(const core::v1::Container& container);

}  // namespace ordo::kubelet
