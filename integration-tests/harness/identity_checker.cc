#include "integration-tests/harness/identity_checker.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/testing/temp_dir.h"
#include "services/kubelet-agent/identity_ledger.h"

namespace ordo::itest {
namespace {

// The pod uid in a container log path under `cluster_dir`, or "".
std::string PodUidOfLog(const std::string& log, const std::string& cluster_dir) {
  if (!absl::StartsWith(log, cluster_dir + "/")) return "";
  size_t pods = log.find("/pods/", cluster_dir.size());
  if (pods == std::string::npos) return "";
  size_t start = pods + 6;
  size_t end = log.find("/containers/", start);
  if (end == std::string::npos) return "";
  return log.substr(start, end - start);
}

// Whether /proc/<pid>/stat says the process lives: running, sleeping or
// stopped, not a zombie or dead. The state follows the command name's
// closing parenthesis.
bool Lives(const std::string& proc) {
  std::string stat = testing::ReadFile(proc + "/stat");
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
  char state = stat[paren + 2];
  return state != 'Z' && state != 'X';
}

std::string PodIdentity(const std::string& proc) {
  std::string ns, name;
  std::string environ = testing::ReadFile(proc + "/environ");
  for (absl::string_view var : absl::StrSplit(environ, '\0')) {
    if (absl::ConsumePrefix(&var, "POD_NAMESPACE=")) ns = std::string(var);
    if (absl::ConsumePrefix(&var, "POD_NAME=")) name = std::string(var);
  }
  return name.empty() ? "" : ns + "/" + name;
}

}  // namespace

RunningPods ScanRunningPods(const std::string& dir) {
  RunningPods running;
  const std::string cluster_dir = std::filesystem::weakly_canonical(dir).string();
  std::unique_ptr<DIR, int (*)(DIR*)> proc(opendir("/proc"), closedir);
  if (proc == nullptr) return running;
  while (dirent* entry = readdir(proc.get())) {
    absl::string_view pid(entry->d_name);
    if (pid.empty() || !std::all_of(pid.begin(), pid.end(), absl::ascii_isdigit)) continue;
    std::string dir = absl::StrCat("/proc/", pid);
    char target[4096];
    ssize_t n = readlink((dir + "/fd/1").c_str(), target, sizeof(target) - 1);
    if (n <= 0) continue;
    std::string uid = PodUidOfLog(std::string(target, n), cluster_dir);
    if (uid.empty() || !Lives(dir)) continue;
    std::string identity = PodIdentity(dir);
    if (!identity.empty()) running[identity].insert(uid);
  }
  return running;
}

IdentityChecker::IdentityChecker(std::string cluster_dir, std::string ledger_dir,
                                 absl::Duration period)
    : cluster_dir_(std::move(cluster_dir)),
      ledger_dir_(std::move(ledger_dir)),
      period_(period),
      thread_([this] { Loop(); }) {}

IdentityChecker::~IdentityChecker() { Stop(); }

void IdentityChecker::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void IdentityChecker::Loop() {
  do {
    RunningPods running = ScanRunningPods(cluster_dir_);
    absl::MutexLock lock(&mu_);
    ++scans_;
    int pods = 0;
    for (const auto& [identity, uids] : running) {
      pods += static_cast<int>(uids.size());
      if (uids.size() > 1) {
        violations_[identity].try_emplace(
            "scan", absl::StrCat(identity, ": pods ", absl::StrJoin(uids, " and "),
                                 " alive at once (seen in /proc)"));
      }
    }
    most_pods_seen_ = std::max(most_pods_seen_, pods);
    ReadLedger();
  } while (!stop_.WaitForNotificationWithTimeout(period_));
  absl::MutexLock lock(&mu_);
  ReadLedger();  // what was written before the stop
}

void IdentityChecker::ReadLedger() {
  if (ledger_dir_.empty()) return;
  for (const kubelet::LedgerEvent& e : kubelet::ReadLedger(ledger_dir_, &ledger_offset_)) {
    if (e.type != kubelet::LedgerEvent::Type::kStart) continue;
    ++ledger_starts_;
    if (e.held_by.empty() || e.held_by == e.pod_uid) continue;
    // "<namespace>/<pod>/<container>": the pod's identity is the first two.
    std::vector<std::string> parts = absl::StrSplit(e.identity, absl::MaxSplits('/', 2));
    std::string identity = parts.size() == 3 ? parts[0] + "/" + parts[1] : e.identity;
    violations_[identity].try_emplace(
        "ledger", absl::StrCat(identity, ": pods ", e.held_by, " and ", e.pod_uid,
                               " alive at once (container ", parts.back(), " of ", e.pod_uid,
                               " started while ", e.held_by, "'s held the identity's lease)"));
  }
}

std::vector<std::string> IdentityChecker::Violations() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> lines;
  for (const auto& [identity, by_witness] : violations_) {
    for (const auto& [witness, line] : by_witness) lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> IdentityChecker::TakeViolationsOf(const std::string& identity) {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> lines;
  auto it = violations_.find(identity);
  if (it == violations_.end()) return lines;
  for (const auto& [witness, line] : it->second) lines.push_back(line);
  violations_.erase(it);
  return lines;
}

int64_t IdentityChecker::ledger_starts() const {
  absl::MutexLock lock(&mu_);
  return ledger_starts_;
}

int64_t IdentityChecker::scans() const {
  absl::MutexLock lock(&mu_);
  return scans_;
}

int IdentityChecker::most_pods_seen() const {
  absl::MutexLock lock(&mu_);
  return most_pods_seen_;
}

}  // namespace ordo::itest
