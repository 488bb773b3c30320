// IdentityChecker watches one cluster's containers for the whole of a test and
// remembers every moment two pods of one identity (namespace/name, different
// uids) ran at once: the "at most one pod per identity" promise of reference
// §3, checked on the machine's real processes rather than on the api-server's
// word.
//
// A process is a container of the cluster when its stdout is a container log
// under the cluster's data directory (`.../pods/<uid>/containers/<c>/<run>.log`,
// where the shim puts it); its identity is POD_NAMESPACE/POD_NAME from its
// environment. Stopped (SIGSTOP, a frozen node), zombie and dead processes do
// not run and are not counted. Exec sessions write to pipes and are not seen.
//
// Thread-safety: the scan runs on the checker's own thread; every public
// method may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace ordo::itest {

// identity ("namespace/name") -> uids of the pods with a running container.
using RunningPods = std::map<std::string, std::set<std::string>>;

// One look at every process of the machine: the running containers whose log
// is under `cluster_dir`.
RunningPods ScanRunningPods(const std::string& cluster_dir);

class IdentityChecker {
 public:
  explicit IdentityChecker(std::string cluster_dir, absl::Duration period = absl::Milliseconds(50));
  ~IdentityChecker();  // stops the scans
  IdentityChecker(const IdentityChecker&) = delete;
  IdentityChecker& operator=(const IdentityChecker&) = delete;

  // Stops scanning (idempotent); what was seen stays readable.
  void Stop();
  // One line per identity ever seen with two running pods, naming the uids.
  std::vector<std::string> Violations() const;
  int64_t scans() const;
  // The largest number of running pods one scan saw (that it saw anything).
  int most_pods_seen() const;

 private:
  void Loop();

  const std::string cluster_dir_;
  const absl::Duration period_;
  absl::Notification stop_;
  mutable absl::Mutex mu_;
  std::map<std::string, std::string> violations_ ABSL_GUARDED_BY(mu_);  // identity -> line
  int64_t scans_ ABSL_GUARDED_BY(mu_) = 0;
  int most_pods_seen_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace ordo::itest
