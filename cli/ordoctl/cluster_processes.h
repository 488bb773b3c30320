// The background processes of a local cluster (`ordoctl cluster`): each is
// started in its own session with its output in DIR/logs/NAME.log and its pid
// in DIR/run/NAME.pid, so that `down` and `status` find it again. Plain
// functions over those files; single-threaded, like the rest of ordoctl.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ordo::ctl {

// The first line of `path`, or "" when it cannot be read.
std::string ReadLine(const std::string& path);

bool Alive(pid_t pid);

// The pid recorded in RUN/NAME.pid, or 0.
pid_t PidOf(const std::string& run, const std::string& name);

// The names of the processes recorded in `run` (NAME of each NAME.pid), sorted.
std::vector<std::string> Components(const std::string& run);

// Starts `argv` in its own session with output appended to DIR/logs/NAME.log;
// records its pid in DIR/run/NAME.pid.
absl::StatusOr<pid_t> Launch(const std::string& name, const std::vector<std::string>& argv,
                             const std::string& dir);

// Stops processes: SIGTERM to each, then SIGKILL to any left after `grace`.
void StopAll(const std::vector<pid_t>& pids, absl::Duration grace);

// Whether something accepts TCP connections on 127.0.0.1:`port`.
bool Accepts(int port);

// Waits until `condition()` holds or `timeout` passes; whether it held.
template <typename Condition>
bool Poll(Condition condition, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(20));  // poll interval of a user-facing wait
  }
  return true;
}

}  // namespace ordo::ctl
