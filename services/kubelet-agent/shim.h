// The container shim and the exec helper: the two short programs the agent
// runs (as its own binary, `ordo-kubelet-agent __shim FILE` and `__exec PID --
// CMD...`) so that namespace set-up happens in a fresh single-threaded process,
// never between fork and exec of the multi-threaded agent.
//
// The shim detaches into its own session, enters a new UTS and mount namespace
// (hostname, private mount propagation, the launch's bind mounts), then forks
// a waiter and exits so the agent can reap it at once. The waiter, an orphan,
// forks the container as the leader of its own process group with
// stdout/stderr on the log file, prints the container's pid on stdout (the
// agent reads it), waits for the container and writes its exit file. Because
// nothing ties the container to the agent, an agent restart leaves it running.
// After the mounts the launch's masked paths (the cluster's keys and store)
// are covered, and the container drops the capabilities its securityContext
// names and becomes its runAsUser/runAsGroup before exec; the exec helper
// takes the same identity from the running container.
#pragma once

#include <string>
#include <vector>

namespace ordo::kubelet {

// argv[1] values that select the helper modes.
inline constexpr char kShimMode[] = "__shim";
inline constexpr char kExecMode[] = "__exec";

// `launch_path` holds a serialized ordo.agent.v1.ContainerLaunch. Returns the
// shim's exit code (0 once the container was started).
int RunShim(const std::string& launch_path);

// Joins the UTS and mount namespaces of `pid`, changes to /, and execs `argv`
// (searched on PATH) with the environment of `pid`. Returns only on failure,
// with 126/127 as a shell would.
int RunExecHelper(int pid, const std::vector<std::string>& argv);

}  // namespace ordo::kubelet
