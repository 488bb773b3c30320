// The StatefulSet controller alone, over a FakeStatefulSetControl: what it
// claims for a set (adopting orphans the selector matches whose names parse
// to the set, releasing pods that stopped matching, never touching another
// controller's) and what it does with the control's answer. The control
// itself is covered by stateful_set_controller_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock/fake_clock.h"
#include "services/controller-manager/statefulset/fake_stateful_set_cluster.h"
#include "services/controller-manager/statefulset/fake_writers.h"
#include "services/controller-manager/statefulset/stateful_set_controller.h"

namespace ordo::statefulset {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class StatefulSetAdoptionTest : public ::testing::Test {
 protected:
  StatefulSetAdoptionTest()
      : cluster_(clock_), controller_(cluster_.Listers(), cluster_.Clients(), control_, clock_) {}

  apps::v1::StatefulSet PutWeb() {
    apps::v1::StatefulSet set;
    set.mutable_metadata()->set_name("web");
    set.mutable_spec()->set_replicas(2);
    (*set.mutable_spec()->mutable_selector()->mutable_match_labels())["app"] = "nginx";
    return cluster_.PutSet(set);
  }
  core::v1::Pod PodNamed(const std::string& name, const std::string& app) {
    core::v1::Pod pod;
    pod.mutable_metadata()->set_name(name);
    (*pod.mutable_metadata()->mutable_labels())["app"] = app;
    return pod;
  }
  static meta::v1::OwnerReference ControllerRef(const std::string& kind, const std::string& name,
                                                const std::string& uid) {
    meta::v1::OwnerReference ref;
    ref.set_kind(kind);
    ref.set_name(name);
    ref.set_uid(uid);
    ref.set_controller(true);
    return ref;
  }
  // One worker step, after the set's add event.
  void AddAndProcess(const apps::v1::StatefulSet& set) {
    controller_.SetHandler().on_add(std::make_shared<const apps::v1::StatefulSet>(set));
    ASSERT_TRUE(controller::ProcessNextKey(controller_));
  }

  FakeClock clock_;
  testing::FakeStatefulSetCluster cluster_;
  testing::FakeStatefulSetControl control_;
  StatefulSetController controller_;
};

TEST_F(StatefulSetAdoptionTest, AMatchingOrphanIsAdoptedAndHandedToTheControl) {
  auto set = PutWeb();
  cluster_.PutPod(PodNamed("web-0", "nginx"));
  AddAndProcess(set);
  auto calls = control_.TakeCalls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].set, "default/web");
  EXPECT_THAT(calls[0].pods, ElementsAre("web-0"));
  auto adopted = cluster_.GetPod("web-0");
  ASSERT_EQ(adopted.metadata().owner_references_size(), 1);
  EXPECT_EQ(adopted.metadata().owner_references(0).uid(), set.metadata().uid());
  EXPECT_THAT(cluster_.TakeActions(), ElementsAre("update pod web-0"));
}

TEST_F(StatefulSetAdoptionTest, PodsOfOtherNamesSelectorsOrControllersAreLeftAlone) {
  auto set = PutWeb();
  cluster_.PutPod(PodNamed("db-0", "nginx"));    // name is not web-N
  cluster_.PutPod(PodNamed("web-1", "apache"));  // selector does not match
  auto theirs = PodNamed("web-2", "nginx");
  *theirs.mutable_metadata()->add_owner_references() = ControllerRef("ReplicaSet", "rs", "uid-rs");
  cluster_.PutPod(theirs);
  AddAndProcess(set);
  auto calls = control_.TakeCalls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_THAT(calls[0].pods, IsEmpty());
  EXPECT_THAT(cluster_.TakeActions(), IsEmpty());
}

TEST_F(StatefulSetAdoptionTest, AnOwnedPodThatStoppedMatchingIsReleased) {
  auto set = PutWeb();
  auto pod = PodNamed("web-0", "debug");  // relabelled by a user
  *pod.mutable_metadata()->add_owner_references() =
      ControllerRef("StatefulSet", "web", set.metadata().uid());
  cluster_.PutPod(pod);
  AddAndProcess(set);
  EXPECT_THAT(control_.TakeCalls()[0].pods, IsEmpty());
  EXPECT_EQ(cluster_.GetPod("web-0").metadata().owner_references_size(), 0);
  EXPECT_THAT(cluster_.TakeActions(), ElementsAre("update pod web-0"));
}

TEST_F(StatefulSetAdoptionTest, TheControlsWaitRequeuesTheSetAndItsErrorIsSyncs) {
  auto set = PutWeb();
  control_.set_result(absl::Seconds(10));
  AddAndProcess(set);
  EXPECT_EQ(controller_.queue().Len(), 0);
  clock_.Advance(absl::Seconds(10));
  EXPECT_EQ(controller_.queue().Len(), 1);  // a pod has become available: look again
  control_.set_result(absl::UnavailableError("api-server away"));
  EXPECT_TRUE(absl::IsUnavailable(controller_.Sync("default/web")));
}

}  // namespace
}  // namespace ordo::statefulset
