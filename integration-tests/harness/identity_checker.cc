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

// Whether /proc/<pid>/stat says the process can run: not stopped, traced,
// zombie or dead. The state follows the command name's closing parenthesis.
bool Runs(const std::string& proc) {
  std::string stat = testing::ReadFile(proc + "/stat");
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
  char state = stat[paren + 2];
  return state != 'T' && state != 't' && state != 'Z' && state != 'X';
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
    if (uid.empty() || !Runs(dir)) continue;
    std::string identity = PodIdentity(dir);
    if (!identity.empty()) running[identity].insert(uid);
  }
  return running;
}

IdentityChecker::IdentityChecker(std::string cluster_dir, absl::Duration period)
    : cluster_dir_(std::move(cluster_dir)), period_(period), thread_([this] { Loop(); }) {}

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
      if (uids.size() > 1 && !violations_.contains(identity)) {
        violations_[identity] =
            absl::StrCat(identity, ": pods ", absl::StrJoin(uids, " and "), " running at once");
      }
    }
    most_pods_seen_ = std::max(most_pods_seen_, pods);
  } while (!stop_.WaitForNotificationWithTimeout(period_));
}

std::vector<std::string> IdentityChecker::Violations() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> lines;
  for (const auto& [identity, line] : violations_) lines.push_back(line);
  return lines;
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
