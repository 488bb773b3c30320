// IdentityChecker watches one cluster's containers for the whole of a test and
// remembers every time two pods of one identity (namespace/name, different
// uids) lived at once: the "at most one pod per identity" promise of reference
// §3, checked on the machine's real processes rather than on the api-server's
// word. Two witnesses:
//
// The identity ledger (services/kubelet-agent/identity_ledger.h), when the
// cluster keeps one: every container start records whether its identity's
// lease, a flock the kernel holds while any process of the container lives,
// was free. A start that found it held is a double, however short: every
// double whose first pod still runs is seen, not a sample.
//
// The /proc scan, every `period`: a process is a container of the cluster
// when its stdout is a container log under the cluster's data directory
// (`.../pods/<uid>/containers/<c>/<run>.log`, where the shim puts it); its
// identity is POD_NAMESPACE/POD_NAME from its environment. Stopped processes
// (SIGSTOP, a frozen node) count, as they hold their identity's state and may
// resume; zombie and dead ones do not. Exec sessions write to pipes and are
// not seen. A double shorter than a scan can pass this witness unseen.
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

// One look at every process of the machine: the living (running or stopped)
// containers whose log is under `cluster_dir`.
RunningPods ScanRunningPods(const std::string& cluster_dir);

class IdentityChecker {
 public:
  // `ledger_dir`: the cluster's identity ledger ("" when it keeps none).
  explicit IdentityChecker(std::string cluster_dir, std::string ledger_dir = "",
                           absl::Duration period = absl::Milliseconds(50));
  ~IdentityChecker();  // stops the scans
  IdentityChecker(const IdentityChecker&) = delete;
  IdentityChecker& operator=(const IdentityChecker&) = delete;

  // Stops scanning (idempotent); what was seen stays readable.
  void Stop();
  // One line per identity and witness ever seen with two living pods, naming
  // the uids.
  std::vector<std::string> Violations() const;
  // Removes and returns the violations of `identity` ("namespace/name"), for
  // a test that makes a double on purpose: the checker goes on watching it
  // and every other identity.
  std::vector<std::string> TakeViolationsOf(const std::string& identity);
  int64_t scans() const;
  // Container starts read from the ledger.
  int64_t ledger_starts() const;
  // The largest number of running pods one scan saw (that it saw anything).
  int most_pods_seen() const;

 private:
  void Loop();
  void ReadLedger() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string cluster_dir_;
  const std::string ledger_dir_;
  const absl::Duration period_;
  absl::Notification stop_;
  mutable absl::Mutex mu_;
  // identity -> witness ("ledger", "scan") -> line
  std::map<std::string, std::map<std::string, std::string>> violations_ ABSL_GUARDED_BY(mu_);
  size_t ledger_offset_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t ledger_starts_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t scans_ ABSL_GUARDED_BY(mu_) = 0;
  int most_pods_seen_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace ordo::itest
