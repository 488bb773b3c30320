// The agent's record of one pod and its containers, as PodManager keeps it
// between syncs (and checkpoints it): what runs, how often it restarted, why
// it waits, what was last reported. Plain data, guarded by PodManager; the
// conversions to and from checkpoint records are pure.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "ordo/agent/v1/agent.pb.h"
#include "ordo/core/v1/core.pb.h"
#include "services/kubelet-agent/container_runtime.h"

namespace ordo::kubelet {

using PodPtr = std::shared_ptr<const core::v1::Pod>;

struct ContainerState {
  std::string name;
  ContainerHandle handle;  // pid 0: not running
  int restart_count = 0;
  absl::Time started_at = absl::InfinitePast();  // InfinitePast: never started
  std::optional<ContainerExit> last_exit;
  std::string last_reason;
  absl::Time next_start = absl::InfinitePast();
  absl::Duration backoff = absl::ZeroDuration();
  std::string waiting_reason = "ContainerCreating";
  // When the process was first seen gone with no exit record yet (its waiter
  // writes the record a moment after reaping it).
  absl::Time gone_since = absl::InfiniteFuture();
  std::string waiting_message;

  bool ever_started() const { return started_at != absl::InfinitePast(); }
};

struct PodState {
  std::string uid, ns, name;
  std::string ip;
  bool prepared = false;
  std::string pending_message;  // why the pod cannot start yet
  std::vector<ContainerState> containers;
  PodPtr pod;                   // the latest object seen
  bool terminating = false;     // being deleted
  bool stop_requested = false;  // every container got SIGTERM; SIGKILL at kill_at
  absl::Time kill_at;
  // Set when the agent itself ended the pod (reason DeadlineExceeded): the
  // pod is Failed, whatever its containers' exit codes.
  std::string failure_reason, failure_message;
  absl::Time start_time;
  bool start_measured = false;  // its start duration is recorded (or, restored, unknowable)
  std::string last_reported;    // the status last written, serialized
  std::string reported_over;    // the resourceVersion of the pod that write replaced

  ContainerState& Container(const std::string& name) {
    for (auto& c : containers) {
      if (c.name == name) return c;
    }
    containers.push_back(ContainerState{.name = name});
    return containers.back();
  }
};

// The checkpoint's record of a pod, and the state read back from one (taken
// at `now`: a restored pod's startTime, unless the api-server has one).
agent::v1::PodRecord RecordOf(const PodState& state);
std::unique_ptr<PodState> StateFromRecord(const agent::v1::PodRecord& record, absl::Time now);

// Takes the exit of container `c`, whose process Inspect found not running,
// into its record (last_exit, last_reason) and returns true; or returns false
// while the exit record may still come: a process gone without one is given
// two seconds for its waiter to write it, then recorded as exit 137,
// ContainerStatusUnknown.
bool TakeExit(ContainerState& c, const ContainerProbe& seen, absl::Time now);

// Whether restartPolicy restarts a container that exited with `exit_code`.
inline bool ShouldRestart(const std::string& policy, int exit_code) {
  if (policy == "Never") return false;
  if (policy == "OnFailure") return exit_code != 0;
  return true;  // Always (the default)
}

}  // namespace ordo::kubelet
