#include "integration-tests/harness/identity_checker.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/testing/temp_dir.h"
#include "integration-tests/harness/wait.h"

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
  IdentityChecker checker(dir_.path(), absl::Milliseconds(5));
  ASSERT_TRUE(WaitFor([&] { return checker.scans() > 0; }, absl::Seconds(10)));
  checker.Stop();
  ASSERT_EQ(checker.Violations().size(), 1u);
  EXPECT_EQ(checker.Violations()[0], "default/web-1: pods uid-a and uid-b running at once");
}

TEST_F(IdentityCheckerTest, DifferentIdentitiesAreFine) {
  FakeContainer a(Log("node-1", "uid-a"), "web-0");
  FakeContainer b(Log("node-2", "uid-b"), "web-1");
  ASSERT_TRUE(Seen(2));
  IdentityChecker checker(dir_.path(), absl::Milliseconds(5));
  ASSERT_TRUE(WaitFor([&] { return checker.scans() > 0; }, absl::Seconds(10)));
  checker.Stop();
  EXPECT_TRUE(checker.Violations().empty());
  EXPECT_EQ(checker.most_pods_seen(), 2);
}

TEST_F(IdentityCheckerTest, AStoppedProcessDoesNotRun) {
  FakeContainer a(Log("node-1", "uid-a"), "web-1");
  FakeContainer b(Log("node-2", "uid-b"), "web-1");
  ASSERT_TRUE(Seen(2));
  ASSERT_EQ(kill(b.pid(), SIGSTOP), 0);
  EXPECT_TRUE(Seen(1));
  EXPECT_EQ(ScanRunningPods(dir_.path()).at("default/web-1"), std::set<std::string>{"uid-a"});
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
