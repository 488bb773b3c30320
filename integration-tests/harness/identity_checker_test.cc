#include "integration-tests/harness/identity_checker.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/wait.h"
#include "services/kubelet-agent/identity_ledger.h"

namespace ordo::itest {
namespace {

// A stand-in container: `sleep` with its stdout on `log` and the pod's name
// in its environment, as the shim starts one. Killed when destroyed.
class FakeContainer {
 public:
  FakeContainer(const std::string& log, const std::string& pod_name) {
    std::filesystem::create_directories(std::filesystem::path(log).parent_path());
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    std::string name = "POD_NAME=" + pod_name;
    std::string ns = "POD_NAMESPACE=default";
    char* env[] = {name.data(), ns.data(), nullptr};
    char* argv[] = {const_cast<char*>("sleep"), const_cast<char*>("60"), nullptr};
    if (posix_spawn(&pid_, "/bin/sleep", &actions, nullptr, argv, env) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~FakeContainer() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

class IdentityCheckerTest : public ::testing::Test {
 protected:
  std::string Log(const std::string& node, const std::string& uid) {
    return dir_.Join("nodes/" + node + "/pods/" + uid + "/containers/c/0.log");
  }
  // Waits until the spawned processes have exec'd (their environment is the pod's).
  bool Seen(size_t pods) {
    return WaitFor(
        [&] {
          size_t n = 0;
          for (const auto& [identity, uids] : ScanRunningPods(dir_.path())) n += uids.size();
          return n == pods;
        },
        absl::Seconds(10));
  }
  testing::TempDir dir_;
};

TEST_F(IdentityCheckerTest, TwoPodsOfOneIdentityAreAViolation) {
  FakeContainer a(Log("node-1", "uid-a"), "web-1");
  FakeContainer b(Log("node-2", "uid-b"), "web-1");
  ASSERT_TRUE(Seen(2));
  IdentityChecker checker(dir_.path(), "", absl::Milliseconds(5));
  ASSERT_TRUE(WaitFor([&] { return checker.scans() > 0; }, absl::Seconds(10)));
  checker.Stop();
  ASSERT_EQ(checker.Violations().size(), 1u);
  EXPECT_EQ(checker.Violations()[0],
            "default/web-1: pods uid-a and uid-b alive at once (seen in /proc)");
}

TEST_F(IdentityCheckerTest, DifferentIdentitiesAreFine) {
  FakeContainer a(Log("node-1", "uid-a"), "web-0");
  FakeContainer b(Log("node-2", "uid-b"), "web-1");
  ASSERT_TRUE(Seen(2));
  IdentityChecker checker(dir_.path(), "", absl::Milliseconds(5));
  ASSERT_TRUE(WaitFor([&] { return checker.scans() > 0; }, absl::Seconds(10)));
  checker.Stop();
  EXPECT_TRUE(checker.Violations().empty());
  EXPECT_EQ(checker.most_pods_seen(), 2);
}

// A stopped process (a frozen node's) still holds its identity: it counts.
TEST_F(IdentityCheckerTest, AStoppedProcessCounts) {
  FakeContainer a(Log("node-1", "uid-a"), "web-1");
  FakeContainer b(Log("node-2", "uid-b"), "web-1");
  ASSERT_TRUE(Seen(2));
  ASSERT_EQ(kill(b.pid(), SIGSTOP), 0);
  EXPECT_EQ(ScanRunningPods(dir_.path()).at("default/web-1"),
            (std::set<std::string>{"uid-a", "uid-b"}));
}

// The ledger witness: a start that found the identity's lease held is a
// double, whatever the scans saw; the checker can give one identity's up and
// keep watching.
TEST_F(IdentityCheckerTest, AStartThatFoundTheLeaseHeldIsAViolation) {
  const std::string ledger = dir_.Join("identity-ledger");
  std::filesystem::create_directories(ledger);
  int events = kubelet::OpenLedgerEvents(ledger);
  ASSERT_GE(events, 0);
  using Type = kubelet::LedgerEvent::Type;
  auto append = [&](int64_t at, Type type, const char* identity, const char* uid,
                    const char* held_by) {
    kubelet::AppendLedgerEvent(events, {.monotonic_ns = at,
                                        .type = type,
                                        .identity = identity,
                                        .pod_uid = uid,
                                        .held_by = held_by});
  };
  append(1, Type::kStart, "default/web-0/web", "uid-a", "");
  append(2, Type::kStart, "default/web-1/web", "uid-b", "");
  append(3, Type::kStop, "default/web-1/web", "uid-b", "");
  append(4, Type::kStart, "default/web-1/web", "uid-c", "");       // after the stop: fine
  append(5, Type::kStart, "default/web-0/web", "uid-d", "uid-a");  // a double
  IdentityChecker checker(dir_.path(), ledger, absl::Milliseconds(5));
  ASSERT_TRUE(WaitFor([&] { return checker.ledger_starts() == 4; }, absl::Seconds(10)));
  EXPECT_EQ(checker.Violations(),
            std::vector<std::string>{
                "default/web-0: pods uid-a and uid-d alive at once (container web of uid-d "
                "started while uid-a's held the identity's lease)"});
  EXPECT_EQ(checker.TakeViolationsOf("default/web-0").size(), 1u);
  EXPECT_TRUE(checker.Violations().empty());
  append(6, Type::kStart, "default/web-1/web", "uid-e", "uid-c");  // seen after the take
  checker.Stop();
  EXPECT_EQ(checker.ledger_starts(), 5);
  ASSERT_EQ(checker.Violations().size(), 1u);
  EXPECT_TRUE(absl::StartsWith(checker.Violations()[0], "default/web-1: pods uid-c and uid-e"));
  close(events);
}

TEST_F(IdentityCheckerTest, OtherClustersAreNotLookedAt) {
  testing::TempDir other;
  FakeContainer a(Log("node-1", "uid-a"), "web-1");
  FakeContainer b(other.Join("nodes/node-1/pods/uid-b/containers/c/0.log"), "web-1");
  ASSERT_TRUE(Seen(1));
  EXPECT_EQ(ScanRunningPods(dir_.path()).at("default/web-1"), std::set<std::string>{"uid-a"});
}

}  // namespace
}  // namespace ordo::itest
