// A local cluster past one machine's single points (`ordoctl cluster up
// --store etcd --api-servers 2`): three etcd members under mutual TLS, two
// api-servers on them, every component given both. One api-server is killed
// with SIGKILL in the middle of a StatefulSet rollout; ordoctl and the
// controllers carry on through the other, and the IdentityChecker (the
// fixture's) holds for the whole test. Then `down` stops every process,
// etcd's included, and `up` brings the same cluster back from etcd.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include "absl/strings/str_replace.h"
#include "integration-tests/harness/cluster_fixture.h"

namespace ordo::itest {
namespace {

using ::testing::HasSubstr;

class HaClusterTest : public ClusterFixture {
 protected:
  HaClusterTest() { extra_up_args_ = {"--store", "etcd", "--api-servers", "2"}; }

  pid_t PidOf(const std::string& name) {
    pid_t pid = 0;
    return absl::SimpleAtoi(ReadLine(dir_.Join("run/" + name + ".pid")), &pid) ? pid : 0;
  }
};

TEST_F(HaClusterTest, ARolloutFinishesThroughTheOtherApiServerWhenOneIsKilled) {
  // Both api-servers serve, and every client was given both.
  ASSERT_THAT(server_, HasSubstr(","));
  pid_t first = PidOf("api-server");
  pid_t second = PidOf("api-server-2");
  ASSERT_GT(first, 0);
  ASSERT_GT(second, 0);
  for (const std::string name : {"etcd-1", "etcd-2", "etcd-3"}) EXPECT_GT(PidOf(name), 0) << name;
  // The kubernetes Service's Endpoints name both (EndpointReconciler).
  api::ResourceClient<core::v1::Endpoints> endpoints(channel_, SystemClock());
  auto live_api_servers = [&] {
    auto ep = endpoints.Get("default", "kubernetes");
    return ep.ok() ? ep->subsets_size() : -1;  // one subset per port: each has its own
  };
  EXPECT_TRUE(WaitFor([&] { return live_api_servers() == 2; }, absl::Seconds(10)));

  Apply(SleepingWeb(3));
  ASSERT_TRUE(WaitRolledOut(3, absl::Seconds(60)));
  const std::string old_revision = sets_->Get("default", "web")->status().update_revision();

  // A new template: the rollout replaces web-2, then web-1, then web-0.
  Apply(absl::StrReplaceAll(SleepingWeb(3), {{"sleep 100000", "sleep 100001"}}));
  // Once it is under way (web-2 replaced), one api-server dies.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("web-2");
        return pod.has_value() &&
               pod->metadata().labels().at("controller-revision-hash") != old_revision;
      },
      absl::Seconds(60)));
  ASSERT_EQ(kill(first, SIGKILL), 0);

  CommandResult status = Ordoctl({"rollout", "status", "sts/web", "--timeout", "120s"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  ASSERT_TRUE(WaitRolledOut(3, absl::Seconds(30)));
  const std::string new_revision = sets_->Get("default", "web")->status().update_revision();
  EXPECT_NE(new_revision, old_revision);
  for (const std::string name : {"web-0", "web-1", "web-2"}) {
    auto pod = GetPod(name);
    ASSERT_TRUE(pod.has_value()) << name;
    EXPECT_EQ(pod->metadata().labels().at("controller-revision-hash"), new_revision) << name;
    EXPECT_TRUE(Ready(*pod)) << name;
  }
  CommandResult get = Ordoctl({"get", "pods"});
  EXPECT_EQ(get.exit_code, 0) << get.err;
  EXPECT_THAT(get.out, HasSubstr("web-0"));
  EXPECT_TRUE(kill(second, 0) == 0) << "the other api-server is still serving";
  // The dead one leaves the Endpoints once its Lease (15 s) runs out.
  EXPECT_TRUE(WaitFor([&] { return live_api_servers() == 1; }, absl::Seconds(40)));
}

TEST_F(HaClusterTest, DownStopsEveryProcessAndUpBringsTheSameClusterBackFromEtcd) {
  Apply(SleepingWeb(2));
  ASSERT_TRUE(WaitRolledOut(2, absl::Seconds(60)));
  std::vector<pid_t> pids;
  for (const std::string name : {"etcd-1", "etcd-2", "etcd-3", "api-server", "api-server-2"}) {
    pids.push_back(PidOf(name));
  }
  CommandResult down = Ordoctl({"cluster", "down", "--data-dir", dir_.path()});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  for (pid_t pid : pids) {
    EXPECT_TRUE(WaitFor([&] { return kill(pid, 0) != 0; }, absl::Seconds(15))) << pid;
  }
  // The directory remembers its store: the embedded one is refused, naming it.
  CommandResult embedded =
      Ordoctl({"cluster", "up", "--data-dir", dir_.path(), "--store", "embedded"});
  EXPECT_EQ(embedded.exit_code, 1);
  EXPECT_THAT(embedded.err, HasSubstr("keeps its state in the etcd store"));

  // Without --store: the same etcd members, the same objects.
  CommandResult up =
      Ordoctl({"cluster", "up", "--nodes", "3", "--data-dir", dir_.path(), "--crash-backoff", "1s",
               "--identity-ledger", LedgerDir(), "--api-servers", "2"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_THAT(up.out, HasSubstr("store etcd (3 members, 2 api-server(s))"));
  server_ = ReadLine(dir_.Join("run/server"));
  channel_ = security::Dial(server_, admin_);
  pods_ = std::make_unique<api::ResourceClient<core::v1::Pod>>(channel_, SystemClock());
  sets_ = std::make_unique<api::ResourceClient<apps::v1::StatefulSet>>(channel_, SystemClock());
  EXPECT_TRUE(WaitAllReady({"web-0", "web-1"}, absl::Seconds(60)));
}

}  // namespace
}  // namespace ordo::itest
