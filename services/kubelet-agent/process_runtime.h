// ProcessRuntime runs containers as real Linux processes through the shim (see
// shim.h): `self_exe` is the agent's own binary, run in its helper modes with
// posix_spawn, so the multi-threaded agent never forks. Thread-safe.
#pragma once

#include "services/kubelet-agent/container_runtime.h"

namespace ordo::kubelet {

class ProcessRuntime final : public ContainerRuntime {
 public:
  explicit ProcessRuntime(std::string self_exe) : self_exe_(std::move(self_exe)) {}

  absl::StatusOr<ContainerHandle> Start(const agent::v1::ContainerLaunch& launch) override;
  ContainerProbe Inspect(const ContainerHandle& handle, const std::string& exit_path) override;
  void Signal(const ContainerHandle& handle, int signal) override;
  absl::StatusOr<std::unique_ptr<ExecProcess>> Exec(
      const ContainerHandle& handle, const std::vector<std::string>& command) override;

 private:
  const std::string self_exe_;
};

// The start time (clock ticks since boot, /proc/PID/stat field 22) of a live,
// non-zombie process; nullopt when there is no such process.
std::optional<uint64_t> ProcessStartTicks(pid_t pid);

// Reads "<exit code> <signal> <unix nanos>" as the shim writes it.
std::optional<ContainerExit> ReadExitFile(const std::string& path);

}  // namespace ordo::kubelet
