// The scheduler one step at a time over fakes (listers and a client on one
// FakeObjectStore): where a pod goes and why, what an unschedulable pod is
// told, when it is retried, a bind that fails, and claims that wait for
// their first consumer.
#include "services/scheduler/scheduler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/api/well_known.h"
#include "common/clock/fake_clock.h"
#include "common/events/fake_event_recorder.h"
#include "prometheus/text_serializer.h"
#include "services/scheduler/fake_scheduler_client.h"

namespace ordo::scheduler {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SchedulerTest : public ::testing::Test {
 protected:
  void AddNode(const std::string& name, const std::string& cpu, bool ready = true) {
    core::v1::Node node;
    node.mutable_metadata()->set_name(name);
    auto& allocatable = *node.mutable_status()->mutable_allocatable();
    allocatable["cpu"] = cpu;
    allocatable["memory"] = "8Gi";
    allocatable["pods"] = "110";
    auto* ready_condition = node.mutable_status()->add_conditions();
    ready_condition->set_type("Ready");
    ready_condition->set_status(ready ? "True" : "False");
    scheduler_.NodeHandler().on_add(std::make_shared<const core::v1::Node>(store_.Put(node)));
  }

  // A pending pod requesting `cpu`, owned by `owner_uid` when given.
  void AddPod(const std::string& name, const std::string& cpu, const std::string& owner_uid = "",
              const std::string& claim = "") {
    core::v1::Pod pod;
    pod.mutable_metadata()->set_name(name);
    if (!owner_uid.empty()) {
      auto* ref = pod.mutable_metadata()->add_owner_references();
      ref->set_kind("StatefulSet");
      ref->set_name("web");
      ref->set_uid(owner_uid);
      ref->set_controller(true);
    }
    auto* c = pod.mutable_spec()->add_containers();
    (*c->mutable_resources()->mutable_requests())["cpu"] = cpu;
    if (!claim.empty()) {
      auto* volume = pod.mutable_spec()->add_volumes();
      volume->set_name("data");
      volume->mutable_persistent_volume_claim()->set_claim_name(claim);
    }
    pod.mutable_status()->set_phase("Pending");
    scheduler_.PodHandler().on_add(std::make_shared<const core::v1::Pod>(store_.Put(pod)));
  }

  void AddClaim(const std::string& name, const std::string& class_name,
                const std::string& binding_mode) {
    storage::v1::StorageClass sc;
    sc.mutable_metadata()->set_name(class_name);
    sc.set_volume_binding_mode(binding_mode);
    store_.Put(sc);
    core::v1::PersistentVolumeClaim claim;
    claim.mutable_metadata()->set_name(name);
    claim.mutable_spec()->set_storage_class_name(class_name);
    claim.mutable_status()->set_phase("Pending");
    store_.Put(claim);
  }

  // Schedules and binds until nothing is ready; returns the store's actions.
  std::vector<std::string> Run() {
    while (scheduler_.ScheduleNext() || scheduler_.BindNext()) {
    }
    std::vector<std::string> out;
    for (const auto& action : store_.TakeActions()) out.push_back(action.ToString());
    return out;
  }

  core::v1::Pod Pod(const std::string& name) { return *store_.Get<core::v1::Pod>("default", name); }
  std::string NodeOf(const std::string& name) { return Pod(name).spec().node_name(); }
  core::v1::PodCondition Scheduled(const std::string& name) {
    core::v1::Pod pod = Pod(name);  // not a temporary: the loop outlives it
    for (const auto& c : pod.status().conditions()) {
      if (c.type() == "PodScheduled") return c;
    }
    return {};
  }

  FakeClock clock_;
  testing::FakeObjectStore store_{clock_};
  testing::FakeSchedulerClient client_{store_};
  std::shared_ptr<prometheus::Registry> metrics_ = std::make_shared<prometheus::Registry>();
  testing::FakeEventRecorder events_;
  Scheduler scheduler_{
      {store_.Lister<core::v1::Pod>(), store_.Lister<core::v1::PersistentVolumeClaim>(),
       store_.Lister<core::v1::PersistentVolume>(), store_.Lister<storage::v1::StorageClass>()},
      client_,
      clock_,
      {.metrics = metrics_, .events = &events_}};
};

TEST_F(SchedulerTest, APodGoesToTheNodeWithTheMostRoomAndIsBound) {
  AddNode("small", "2");
  AddNode("big", "8");
  AddPod("web-0", "1");
  EXPECT_THAT(Run(), ElementsAre("create pods/binding default/web-0"));
  EXPECT_EQ(NodeOf("web-0"), "big");
  EXPECT_EQ(Scheduled("web-0").status(), "True");
  EXPECT_EQ(scheduler_.bound(), 1);
  EXPECT_THAT(events_.Take(),
              ElementsAre("Normal Scheduled Successfully assigned default/web-0 to big"));
}

TEST_F(SchedulerTest, PodsOfOneOwnerSpreadAcrossEqualNodes) {
  AddNode("node-1", "4");
  AddNode("node-2", "4");
  AddPod("web-0", "100m", "uid-web");
  AddPod("web-1", "100m", "uid-web");
  Run();
  EXPECT_NE(NodeOf("web-0"), NodeOf("web-1"));
}

TEST_F(SchedulerTest, APodThatFitsNowhereIsToldWhyInKubernetesWords) {
  AddNode("down", "8", /*ready=*/false);
  AddNode("small", "1");
  AddPod("web-0", "2");
  EXPECT_THAT(Run(), ElementsAre("update pods/status default/web-0"));
  auto scheduled = Scheduled("web-0");
  EXPECT_EQ(scheduled.status(), "False");
  EXPECT_EQ(scheduled.reason(), "Unschedulable");
  EXPECT_EQ(scheduled.message(),
            "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were not ready.");
  EXPECT_EQ(NodeOf("web-0"), "");
  EXPECT_THAT(events_.Take(),
              ElementsAre("Warning FailedScheduling 0/2 nodes are available: 1 Insufficient cpu, "
                          "1 node(s) were not ready."));
  // Told once: a second look with the same answer writes nothing.
  scheduler_.queue().Add("default/web-0");
  EXPECT_TRUE(Run().empty());
}

TEST_F(SchedulerTest, AnUnschedulablePodWaitsUntilTheClusterChanges) {
  AddNode("small", "1");
  AddPod("web-0", "2");
  Run();
  EXPECT_EQ(scheduler_.queue().Len(), 0);
  AddNode("big", "4");  // a node joins: the waiting pod is looked at again
  EXPECT_EQ(scheduler_.queue().Len(), 1);
  EXPECT_THAT(Run(), ElementsAre("create pods/binding default/web-0"));
  EXPECT_EQ(NodeOf("web-0"), "big");
}

TEST_F(SchedulerTest, AttemptsPendingPodsAndTimeToBindAreMeasured) {
  AddNode("small", "1");
  AddPod("web-0", "2");
  Run();
  clock_.Advance(absl::Seconds(3));
  AddNode("big", "4");
  Run();
  const std::string text = prometheus::TextSerializer().Serialize(metrics_->Collect());
  for (
      const char* line : {
          R"(scheduler_schedule_attempts_total{profile="default-scheduler",result="unschedulable"} 1)",
          R"(scheduler_schedule_attempts_total{profile="default-scheduler",result="scheduled"} 1)",
          R"(scheduler_schedule_attempts_total{profile="default-scheduler",result="error"} 0)",
          R"(scheduler_pending_pods{queue="unschedulable"} 0)",
          R"(scheduler_pending_pods{queue="active"} 0)",
          // First tried, then bound three seconds later.
          R"(scheduler_pod_scheduling_duration_seconds_bucket{le="2.56"} 0)",
          R"(scheduler_pod_scheduling_duration_seconds_bucket{le="5.12"} 1)",
      }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

TEST_F(SchedulerTest, AFailedBindGivesTheRoomBackAndRetriesAfterABackOff) {
  AddNode("node-1", "1");
  AddPod("web-0", "1");
  client_.FailBinds(1, absl::UnavailableError("api-server away"));
  EXPECT_TRUE(Run().empty());
  EXPECT_EQ(NodeOf("web-0"), "");
  EXPECT_EQ(scheduler_.queue().Len(), 0);  // backing off
  clock_.Advance(absl::Seconds(1));
  // The assumption was forgotten: the node has room for the pod again.
  EXPECT_THAT(Run(), ElementsAre("create pods/binding default/web-0"));
  EXPECT_EQ(NodeOf("web-0"), "node-1");
}

TEST_F(SchedulerTest, ABindToAPodThatIsGoneIsNotRetried) {
  AddNode("node-1", "1");
  AddPod("web-0", "1");
  client_.FailBinds(1, absl::NotFoundError("pods \"web-0\" not found"));
  Run();
  clock_.Advance(absl::Minutes(1));
  EXPECT_EQ(scheduler_.queue().Len(), 0);
}

TEST_F(SchedulerTest, AWaitForFirstConsumerClaimIsMarkedWithTheNodeBeforeTheBind) {
  AddNode("node-1", "4");
  AddClaim("www-web-0", "local", "WaitForFirstConsumer");
  AddPod("web-0", "1", "", "www-web-0");
  EXPECT_THAT(Run(), ElementsAre("update persistentvolumeclaims default/www-web-0",
                                 "create pods/binding default/web-0"));
  auto claim = *store_.Get<core::v1::PersistentVolumeClaim>("default", "www-web-0");
  EXPECT_EQ(claim.metadata().annotations().at(api::kSelectedNodeAnnotation), "node-1");
}

TEST_F(SchedulerTest, AnUnboundImmediateClaimKeepsThePodWaiting) {
  AddNode("node-1", "4");
  AddClaim("www-web-0", "fast", "Immediate");
  AddPod("web-0", "1", "", "www-web-0");
  Run();
  EXPECT_EQ(NodeOf("web-0"), "");
  EXPECT_THAT(Scheduled("web-0").message(),
              HasSubstr("pod has unbound immediate PersistentVolumeClaims"));
}

}  // namespace
}  // namespace ordo::scheduler
