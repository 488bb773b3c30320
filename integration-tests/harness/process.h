// Process runs a binary as a child with its output in a log file, and stops it
// with SIGTERM (waiting) or SIGKILL. The destructor stops it if still running.
// Not synchronised: one owner.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ordo::itest {

class Process {
 public:
  static absl::StatusOr<Process> Start(const std::string& binary,
                                       const std::vector<std::string>& args,
                                       const std::string& log_path);
  Process() = default;
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  ~Process();

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  // SIGTERM, then wait; returns the exit status from waitpid.
  int Stop();
  // SIGKILL, then wait.
  void Kill();

 private:
  pid_t pid_ = -1;
};

// The directory holding the ordo binaries under test.
std::string BinDir();

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `binary args...` to completion with `env` added to the environment and
// `input` on its standard input.
CommandResult RunCommand(const std::string& binary, const std::vector<std::string>& args,
                         const std::vector<std::string>& env = {}, const std::string& input = "");

}  // namespace ordo::itest
