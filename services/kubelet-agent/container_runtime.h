// ContainerRuntime is the agent's I/O edge to running containers: start one,
// ask whether it still runs (or how it ended), signal its process group, and
// run a command inside its namespaces. ProcessRuntime (process_runtime.h) is
// the real one; ordo::testing::FakeContainerRuntime stands in for it in tests.
// Implementations are safe to call from many threads.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ordo/agent/v1/agent.pb.h"

namespace ordo::kubelet {

// A started container: its process (and process group) id and the kernel's
// start time of that process, so a later pid reuse is not mistaken for it.
struct ContainerHandle {
  pid_t pid = 0;
  uint64_t start_ticks = 0;
};

struct ContainerExit {
  int exit_code = 0;
  int signal = 0;
  absl::Time finished_at;
};

// What Inspect finds.
struct ContainerProbe {
  bool running = false;
  // Set when the container ended and its shim recorded how; a container that
  // is gone without a record (its shim was killed too) has neither.
  std::optional<ContainerExit> exit;
};

// A command running inside a container (exec): write stdin, read output, wait.
class ExecProcess {
 public:
  virtual ~ExecProcess() = default;
  // Feeds the command's stdin; CloseStdin sends EOF.
  virtual void WriteStdin(const std::string& data) = 0;
  virtual void CloseStdin() = 0;
  // Calls `on_output(is_stderr, data)` as output arrives, until both streams
  // end or `deadline` passes (then the command is killed); returns the exit code.
  virtual int Wait(const std::function<void(bool is_stderr, const std::string&)>& on_output,
                   absl::Time deadline) = 0;
};

class ContainerRuntime {
 public:
  virtual ~ContainerRuntime() = default;
  // Starts the container described by `launch`; its exit is recorded at
  // launch.exit_path().
  virtual absl::StatusOr<ContainerHandle> Start(const agent::v1::ContainerLaunch& launch) = 0;
  virtual ContainerProbe Inspect(const ContainerHandle& handle, const std::string& exit_path) = 0;
  // Sends `signal` to the container's whole process group.
  virtual void Signal(const ContainerHandle& handle, int signal) = 0;
  // Starts `command` in the container's namespaces with its environment.
  virtual absl::StatusOr<std::unique_ptr<ExecProcess>> Exec(
      const ContainerHandle& handle, const std::vector<std::string>& command) = 0;
};

}  // namespace ordo::kubelet
