#include "services/kubelet-agent/pod_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include "common/clock/fake_clock.h"
#include "common/events/fake_event_recorder.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "prometheus/text_serializer.h"
#include "services/kubelet-agent/fakes.h"

namespace ordo::kubelet {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;

class PodManagerTest : public ::testing::Test {
 protected:
  PodManagerTest() : network_(*CidrPodNetwork::Loopback("127.1.1.0/24")) {
    config_.node_name = "node-1";
    config_.root_dir = dir_.path();
    config_.dns_servers = {"127.0.0.53"};
    config_.initial_backoff = absl::Seconds(10);
    config_.max_backoff = absl::Seconds(300);
    manager_ = std::make_unique<PodManager>(config_, runtime_, *network_, checkpoint_, api_, clock_,
                                            metrics_, &events_);
  }

  std::string Exposition() { return prometheus::TextSerializer().Serialize(metrics_->Collect()); }

  static PodPtr MakePod(const std::string& name, const std::string& restart_policy = "Always") {
    auto pod = std::make_shared<core::v1::Pod>();
    pod->mutable_metadata()->set_name(name);
    pod->mutable_metadata()->set_namespace_("default");
    pod->mutable_metadata()->set_uid("uid-" + name);
    pod->mutable_spec()->set_node_name("node-1");
    pod->mutable_spec()->set_hostname(name);
    pod->mutable_spec()->set_subdomain("nginx");
    pod->mutable_spec()->set_restart_policy(restart_policy);
    pod->mutable_spec()->set_termination_grace_period_seconds(30);
    auto* c = pod->mutable_spec()->add_containers();
    c->set_name("app");
    c->set_image("sh");
    c->add_args("-c");
    c->add_args("true");
    return pod;
  }

  static PodPtr Deleting(const PodPtr& pod, int64_t grace) {
    auto copy = std::make_shared<core::v1::Pod>(*pod);
    copy->mutable_metadata()->mutable_deletion_timestamp()->set_seconds(1);
    copy->mutable_metadata()->set_deletion_grace_period_seconds(grace);
    return copy;
  }

  // Pod `name` as the store holds it, with a finalizer that keeps the object
  // after the agent confirms its deletion (so its last status can be read).
  PodPtr HeldPod(const std::string& name) {
    core::v1::Pod pod = *MakePod(name);
    pod.mutable_metadata()->add_finalizers("example.com/hold");
    api_.store.Put(pod);
    return Current(name);
  }
  PodPtr Current(const std::string& name) {
    return api_.store.Find<core::v1::Pod>("default", name);
  }
  std::vector<std::string> TakeActions() {
    std::vector<std::string> out;
    for (const auto& a : api_.store.TakeActions()) out.push_back(a.ToString());
    return out;
  }

  int LastPid() {
    auto status = api_.LastStatus("web-0");
    if (!status.has_value() || status->container_statuses_size() == 0) return 0;
    std::string id = status->container_statuses(0).container_id();
    return id.empty() ? 0 : std::stoi(id.substr(7));
  }

  testing::TempDir dir_;
  FakeClock clock_;
  testing::FakeContainerRuntime runtime_;
  testing::MemoryCheckpoint checkpoint_;
  testing::FakePodApi api_{clock_};
  std::unique_ptr<CidrPodNetwork> network_;
  AgentConfig config_;
  std::shared_ptr<prometheus::Registry> metrics_ = std::make_shared<prometheus::Registry>();
  testing::FakeEventRecorder events_;
  std::unique_ptr<PodManager> manager_;
};

TEST_F(PodManagerTest, StartsAContainerWithThePodsIdentityAndReportsItReady) {
  manager_->Sync({MakePod("web-0")}, true);
  auto launches = runtime_.launches();
  ASSERT_EQ(launches.size(), 1u);
  const auto& launch = launches[0];
  EXPECT_EQ(launch.hostname(), "web-0");
  EXPECT_THAT(launch.argv(), ::testing::ElementsAre("sh", "-c", "true"));
  EXPECT_THAT(launch.env(), Contains("POD_NAME=web-0"));
  EXPECT_THAT(launch.env(), Contains("POD_IP=127.1.1.2"));
  std::vector<std::string> targets;
  for (const auto& m : launch.mounts()) targets.push_back(m.target());
  EXPECT_THAT(targets, ::testing::IsSupersetOf({"/etc/hosts", "/etc/resolv.conf", "/tmp"}));
  EXPECT_THAT(testing::ReadFile(dir_.path() + "/pods/uid-web-0/hosts"),
              ::testing::HasSubstr("127.1.1.2\tweb-0.nginx.default.svc.cluster.local\tweb-0"));
  EXPECT_THAT(testing::ReadFile(dir_.path() + "/pods/uid-web-0/resolv.conf"),
              ::testing::HasSubstr("search default.svc.cluster.local svc.cluster.local"));

  auto status = api_.LastStatus("web-0");
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->phase(), "Running");
  EXPECT_EQ(status->pod_ip(), "127.1.1.2");
  EXPECT_TRUE(status->container_statuses(0).ready());
  // Nothing changed: nothing written.
  int writes = api_.status_writes();
  manager_->Sync({MakePod("web-0")}, true);
  EXPECT_EQ(api_.status_writes(), writes);
}

TEST_F(PodManagerTest, ACrashedContainerRestartsWithDoublingBackOff) {
  PodPtr pod = MakePod("web-0");
  manager_->Sync({pod}, true);
  runtime_.Exit(LastPid(), 1);
  manager_->Sync({pod}, true);
  auto status = api_.LastStatus("web-0");
  EXPECT_EQ(status->container_statuses(0).state().waiting().reason(), "CrashLoopBackOff");
  EXPECT_EQ(status->container_statuses(0).last_state().terminated().exit_code(), 1);
  EXPECT_EQ(runtime_.launches().size(), 1u);

  clock_.Advance(absl::Seconds(10));
  manager_->Sync({pod}, true);
  EXPECT_EQ(runtime_.launches().size(), 2u);
  EXPECT_EQ(api_.LastStatus("web-0")->container_statuses(0).restart_count(), 1);

  runtime_.Exit(LastPid(), 1);
  manager_->Sync({pod}, true);
  clock_.Advance(absl::Seconds(10));
  manager_->Sync({pod}, true);
  EXPECT_EQ(runtime_.launches().size(), 2u) << "the second back-off is 20s";
  clock_.Advance(absl::Seconds(10));
  manager_->Sync({pod}, true);
  EXPECT_EQ(runtime_.launches().size(), 3u);
  EXPECT_EQ(api_.LastStatus("web-0")->container_statuses(0).restart_count(), 2);
  EXPECT_NE(Exposition().find("ordo_kubelet_container_restarts_total 2"), std::string::npos);
  EXPECT_THAT(events_.Take(), ::testing::ElementsAre(
                                  "Normal Started Started container app",
                                  "Warning BackOff Back-off restarting failed container app in pod "
                                  "web-0_default(uid-web-0)",
                                  "Normal Started Started container app",
                                  "Warning BackOff Back-off restarting failed container app in pod "
                                  "web-0_default(uid-web-0)",
                                  "Normal Started Started container app"));
}

TEST_F(PodManagerTest, RunningPodsAndStartDurationAreMeasured) {
  PodPtr pod = MakePod("web-0");
  manager_->Sync({pod}, true);
  std::string text = Exposition();
  EXPECT_NE(text.find("kubelet_running_pods 1"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(kubelet_running_containers{container_state="running"} 1)"),
            std::string::npos)
      << text;
  // Started in the same pass it was first seen in: 0 s.
  EXPECT_NE(text.find(R"(kubelet_pod_start_duration_seconds_bucket{le="0.5"} 1)"),
            std::string::npos)
      << text;
  runtime_.Exit(LastPid(), 0);
  manager_->Sync({pod}, true);
  text = Exposition();
  EXPECT_NE(text.find("kubelet_running_pods 0"), std::string::npos) << text;
  // A restart is not a second start.
  EXPECT_NE(text.find("kubelet_pod_start_duration_seconds_count 1"), std::string::npos) << text;
}

TEST_F(PodManagerTest, AContainerGoneWithoutARecordIsUnknownOnlyAfterItsWaiterHadTime) {
  PodPtr pod = MakePod("web-0", "Never");
  manager_->Sync({pod}, true);
  runtime_.Vanish(LastPid());
  manager_->Sync({pod}, true);
  EXPECT_EQ(api_.LastStatus("web-0")->phase(), "Running") << "the exit record may be on its way";
  clock_.Advance(absl::Seconds(2));
  manager_->Sync({pod}, true);
  auto status = api_.LastStatus("web-0");
  EXPECT_EQ(status->phase(), "Failed");
  EXPECT_EQ(status->container_statuses(0).state().terminated().reason(), "ContainerStatusUnknown");
  EXPECT_EQ(status->container_statuses(0).state().terminated().exit_code(), 137);
}

TEST_F(PodManagerTest, RestartPolicyNeverEndsThePod) {
  PodPtr pod = MakePod("web-0", "Never");
  manager_->Sync({pod}, true);
  runtime_.Exit(LastPid(), 0);
  manager_->Sync({pod}, true);
  auto status = api_.LastStatus("web-0");
  EXPECT_EQ(status->phase(), "Succeeded");
  EXPECT_EQ(status->container_statuses(0).state().terminated().reason(), "Completed");
  clock_.Advance(absl::Minutes(10));
  manager_->Sync({pod}, true);
  EXPECT_EQ(runtime_.launches().size(), 1u);
}

TEST_F(PodManagerTest, DeletionSendsTermThenKillAfterTheGracePeriodThenConfirms) {
  PodPtr pod = MakePod("web-0");
  manager_->Sync({pod}, true);
  int pid = LastPid();
  runtime_.IgnoreTerm(pid);
  manager_->Sync({Deleting(pod, 5)}, true);
  EXPECT_THAT(runtime_.signals(), Contains(std::pair{pid, SIGTERM}));
  EXPECT_TRUE(runtime_.Running(pid));
  EXPECT_THAT(api_.confirmed(), IsEmpty());
  clock_.Advance(absl::Seconds(5));
  manager_->Sync({Deleting(pod, 5)}, true);
  EXPECT_THAT(runtime_.signals(), Contains(std::pair{pid, SIGKILL}));
  manager_->Sync({Deleting(pod, 5)}, true);
  EXPECT_THAT(api_.confirmed(), ::testing::ElementsAre("uid-web-0"));
  EXPECT_THAT(*checkpoint_.LoadAll(), IsEmpty());
}

TEST_F(PodManagerTest, ADeletedPodReportsItsEndBeforeTheConfirmation) {
  manager_->Sync({HeldPod("web-0")}, true);
  ASSERT_EQ(api_.LastStatus("web-0")->phase(), "Running");
  ASSERT_TRUE(api_.LastStatus("web-0")->container_statuses(0).ready());
  TakeActions();
  manager_->Sync({Deleting(Current("web-0"), 30)}, true);  // SIGTERM ends it: exit 143

  EXPECT_THAT(TakeActions(), ::testing::ElementsAre("update pods/status default/web-0",
                                                    "delete pods default/web-0"));
  auto status = api_.LastStatus("web-0");  // the finalizer keeps the object
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->phase(), "Failed");
  const auto& container = status->container_statuses(0);
  EXPECT_FALSE(container.ready());
  EXPECT_EQ(container.state().terminated().exit_code(), 128 + SIGTERM);
  EXPECT_EQ(container.state().terminated().reason(), "Error");
  for (const auto& c : status->conditions()) {
    if (c.type() == "Ready") {
      EXPECT_EQ(c.status(), "False");
    }
  }
  // Confirmed once: the pod a finalizer keeps costs no more calls.
  manager_->Sync({Current("web-0")}, true);
  manager_->Sync({Current("web-0")}, true);
  EXPECT_THAT(TakeActions(), IsEmpty());
  EXPECT_THAT(api_.confirmed(), ::testing::ElementsAre("uid-web-0"));
}

TEST_F(PodManagerTest, APodWhoseContainersExitZeroOnTermEndsSucceeded) {
  manager_->Sync({HeldPod("web-0")}, true);
  int pid = LastPid();
  runtime_.IgnoreTerm(pid);
  manager_->Sync({Deleting(Current("web-0"), 30)}, true);
  EXPECT_EQ(api_.LastStatus("web-0")->phase(), "Running") << "still stopping";
  runtime_.Exit(pid, 0);
  manager_->Sync({Deleting(Current("web-0"), 30)}, true);
  auto status = api_.LastStatus("web-0");
  EXPECT_EQ(status->phase(), "Succeeded");
  EXPECT_EQ(status->container_statuses(0).state().terminated().reason(), "Completed");
  EXPECT_THAT(api_.confirmed(), ::testing::ElementsAre("uid-web-0"));
}

TEST_F(PodManagerTest, APodPastItsActiveDeadlineIsStoppedAndFailedForGood) {
  core::v1::Pod spec = *MakePod("web-0");
  spec.mutable_spec()->set_active_deadline_seconds(60);
  api_.store.Put(spec);
  manager_->Sync({Current("web-0")}, true);
  int pid = LastPid();
  runtime_.IgnoreTerm(pid);
  clock_.Advance(absl::Seconds(59));
  manager_->Sync({Current("web-0")}, true);
  EXPECT_EQ(api_.LastStatus("web-0")->phase(), "Running");
  EXPECT_THAT(runtime_.signals(), IsEmpty());

  clock_.Advance(absl::Seconds(1));
  manager_->Sync({Current("web-0")}, true);
  EXPECT_THAT(runtime_.signals(), ::testing::ElementsAre(std::pair{pid, SIGTERM}));
  auto status = api_.LastStatus("web-0");
  EXPECT_EQ(status->phase(), "Failed");
  EXPECT_EQ(status->reason(), "DeadlineExceeded");
  EXPECT_EQ(status->message(), "Pod was active on the node longer than the specified deadline");
  EXPECT_FALSE(status->container_statuses(0).ready());

  clock_.Advance(absl::Seconds(30));  // the grace period
  manager_->Sync({Current("web-0")}, true);
  EXPECT_THAT(runtime_.signals(), Contains(std::pair{pid, SIGKILL}));
  manager_->Sync({Current("web-0")}, true);
  EXPECT_EQ(api_.LastStatus("web-0")->container_statuses(0).state().terminated().exit_code(),
            128 + SIGKILL);
  clock_.Advance(absl::Minutes(10));
  manager_->Sync({Current("web-0")}, true);
  EXPECT_EQ(runtime_.launches().size(), 1u) << "a failed pod never starts again";
  EXPECT_EQ(api_.LastStatus("web-0")->phase(), "Failed");
  EXPECT_THAT(events_.Take(),
              Contains("Warning DeadlineExceeded Pod was active on the node longer than the "
                       "specified deadline"));
}

TEST_F(PodManagerTest, APodGoneFromTheApiServerIsStoppedButOnlyOnceTheListIsComplete) {
  PodPtr pod = MakePod("web-0");
  manager_->Sync({pod}, true);
  int pid = LastPid();
  manager_->Sync({}, /*complete=*/false);
  EXPECT_TRUE(runtime_.Running(pid));
  manager_->Sync({}, /*complete=*/true);
  EXPECT_FALSE(runtime_.Running(pid));
}

TEST_F(PodManagerTest, ARestartedManagerAdoptsRunningContainers) {
  PodPtr pod = MakePod("web-0");
  manager_->Sync({pod}, true);
  int pid = LastPid();
  manager_.reset();
  manager_ = std::make_unique<PodManager>(config_, runtime_, *network_, checkpoint_, api_, clock_);
  ASSERT_OK(manager_->Restore());
  manager_->Sync({pod}, true);
  EXPECT_EQ(runtime_.launches().size(), 1u) << "no second start";
  EXPECT_EQ(LastPid(), pid);
  auto location = manager_->FindContainer("default", "web-0", "");
  ASSERT_OK(location.status());
  EXPECT_EQ(location->handle.pid, pid);
}

TEST_F(PodManagerTest, ANameRecreatedWhileTheOldPodStopsFindsEachByUid) {
  PodPtr old_pod = MakePod("web-0");
  manager_->Sync({old_pod}, true);
  int old_pid = LastPid();
  runtime_.IgnoreTerm(old_pid);  // the old pod takes its grace period to stop
  auto new_pod = std::make_shared<core::v1::Pod>(*old_pod);
  new_pod->mutable_metadata()->set_uid("uid-web-0-again");
  manager_->Sync({new_pod}, true);
  ASSERT_TRUE(runtime_.Running(old_pid));
  auto by_name = manager_->FindContainer("default", "web-0", "");
  ASSERT_OK(by_name.status());
  EXPECT_NE(by_name->handle.pid, old_pid);
  EXPECT_NE(by_name->handle.pid, 0);
  auto by_new_uid = manager_->FindContainer("default", "web-0", "", "uid-web-0-again");
  ASSERT_OK(by_new_uid.status());
  EXPECT_EQ(by_new_uid->handle.pid, by_name->handle.pid);
  auto by_old_uid = manager_->FindContainer("default", "web-0", "", "uid-web-0");
  ASSERT_OK(by_old_uid.status());
  EXPECT_EQ(by_old_uid->handle.pid, old_pid);
  EXPECT_EQ(manager_->FindContainer("default", "web-0", "", "uid-other").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(PodManagerTest, ShutdownStopsEveryContainerAndStartsNothingAfter) {
  PodPtr pod = MakePod("web-0");
  manager_->Sync({pod}, true);
  int pid = LastPid();
  EXPECT_EQ(manager_->ShutdownAll(absl::Seconds(1)), 1);
  EXPECT_FALSE(runtime_.Running(pid));
  manager_->Sync({pod}, true);
  EXPECT_EQ(runtime_.launches().size(), 1u) << "a node shutting down starts nothing";
  EXPECT_THAT(*checkpoint_.LoadAll(), IsEmpty());
}

TEST_F(PodManagerTest, AnUnboundClaimKeepsThePodWaitingAndSaysWhy) {
  auto pod = std::make_shared<core::v1::Pod>(*MakePod("web-0"));
  auto* volume = pod->mutable_spec()->add_volumes();
  volume->set_name("www");
  volume->mutable_persistent_volume_claim()->set_claim_name("www-web-0");
  auto* mount = pod->mutable_spec()->mutable_containers(0)->add_volume_mounts();
  mount->set_name("www");
  mount->set_mount_path("/data");
  manager_->Sync({pod}, true);
  EXPECT_THAT(runtime_.launches(), IsEmpty());
  auto waiting = api_.LastStatus("web-0")->container_statuses(0).state().waiting();
  EXPECT_THAT(waiting.message(), ::testing::HasSubstr("\"www-web-0\" is not bound"));
  EXPECT_EQ(waiting.reason(), "ContainerCreating");
  api_.SetClaimPath("www-web-0", dir_.path() + "/pv");
  // No back-off: waiting on a volume is no crash; the next sync starts it.
  clock_.Advance(absl::Milliseconds(100));
  manager_->Sync({pod}, true);
  ASSERT_EQ(runtime_.launches().size(), 1u);
  EXPECT_EQ(runtime_.launches()[0].mounts(3).source(), dir_.path() + "/pv");
  EXPECT_EQ(runtime_.launches()[0].mounts(3).target(), "/data");
}

TEST_F(PodManagerTest, AStoppedPodLetsItsClaimGoUnlessAnotherPodHereUsesIt) {
  auto with_claim = [](const std::string& name, const std::string& claim) {
    auto pod = std::make_shared<core::v1::Pod>(*MakePod(name));
    auto* volume = pod->mutable_spec()->add_volumes();
    volume->set_name("data");
    volume->mutable_persistent_volume_claim()->set_claim_name(claim);
    return PodPtr(pod);
  };
  api_.SetClaimPath("shared-data", dir_.path() + "/pv");
  api_.SetClaimPath("own-data", dir_.path() + "/pv2");
  PodPtr a = with_claim("a", "shared-data");
  PodPtr b = with_claim("b", "shared-data");
  PodPtr c = with_claim("c", "own-data");
  manager_->Sync({a, b, c}, true);
  manager_->Sync({Deleting(a, 0), b, Deleting(c, 0)}, true);
  EXPECT_THAT(api_.confirmed(), ::testing::UnorderedElementsAre("uid-a", "uid-c"));
  EXPECT_THAT(api_.released(), ::testing::ElementsAre("own-data"));  // b still uses shared-data
}

TEST(PodNetworkTest, HandsOutStableAddressesInTheCidr) {
  auto network = CidrPodNetwork::Loopback("127.1.3.0/24");
  ASSERT_OK(network.status());
  EXPECT_EQ(*(*network)->Allocate("a"), "127.1.3.2");
  EXPECT_EQ(*(*network)->Allocate("b"), "127.1.3.3");
  EXPECT_EQ(*(*network)->Allocate("a"), "127.1.3.2");
  EXPECT_TRUE(absl::IsAlreadyExists((*network)->Restore("c", "127.1.3.3")));
  (*network)->Release("b");
  EXPECT_OK((*network)->Restore("c", "127.1.3.3"));
  EXPECT_FALSE(CidrPodNetwork::Loopback("10.0.0.0/24").ok());
  EXPECT_FALSE(CidrPodNetwork::Loopback("127.1.3.0").ok());
}

TEST(PodNetworkTest, OnAnInterfaceEachAddressIsAddedWhileHeldAndAgainOnReconcile) {
  testing::FakeAddressPlumber plumber;
  auto network = CidrPodNetwork::OnInterface("172.28.1.0/24", plumber);
  ASSERT_OK(network.status());
  EXPECT_EQ(*(*network)->Allocate("a"), "172.28.1.2");
  EXPECT_OK((*network)->Restore("b", "172.28.1.9"));
  EXPECT_THAT(plumber.addresses(), ::testing::ElementsAre("172.28.1.2", "172.28.1.9"));
  (*network)->Release("a");
  EXPECT_THAT(plumber.addresses(), ::testing::ElementsAre("172.28.1.9"));
  // The interface went away and came back bare (a network reconnect).
  plumber.Clear();
  EXPECT_OK((*network)->Reconcile());
  EXPECT_THAT(plumber.addresses(), ::testing::ElementsAre("172.28.1.9"));
  // While no interface holds the node's IP, a new pod's address is an error.
  plumber.FailAdds(absl::UnavailableError("no interface holds the node's IP"));
  EXPECT_TRUE(absl::IsUnavailable((*network)->Allocate("c").status()));
  EXPECT_FALSE(CidrPodNetwork::OnInterface("172.28.1.0", plumber).ok());
}

}  // namespace
}  // namespace ordo::kubelet
