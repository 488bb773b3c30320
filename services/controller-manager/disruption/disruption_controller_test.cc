// PodDisruptionBudget status (reference §3.8) from pods and their StatefulSet.
#include "services/controller-manager/disruption/disruption_controller.h"

#include <gtest/gtest.h>

namespace ordo::disruption {
namespace {

class PdbStatusTest : public ::testing::Test {
 protected:
  PdbStatusTest() {
    apps::v1::StatefulSet set;
    set.mutable_metadata()->set_name("web");
    set.mutable_metadata()->set_namespace_("default");
    set.mutable_spec()->set_replicas(3);
    sets_.Upsert(std::make_shared<const apps::v1::StatefulSet>(set));
    for (int i = 0; i < 3; ++i) pods_.push_back(Pod(i, i != 2));  // web-2 not ready
  }

  static std::shared_ptr<const core::v1::Pod> Pod(int i, bool ready) {
    auto pod = std::make_shared<core::v1::Pod>();
    pod->mutable_metadata()->set_name("web-" + std::to_string(i));
    pod->mutable_metadata()->set_namespace_("default");
    auto* ref = pod->mutable_metadata()->add_owner_references();
    ref->set_kind("StatefulSet");
    ref->set_name("web");
    ref->set_uid("uid-web");
    ref->set_controller(true);
    auto* c = pod->mutable_status()->add_conditions();
    c->set_type("Ready");
    c->set_status(ready ? "True" : "False");
    return pod;
  }

  PodDisruptionBudgetStatus Compute(const PodDisruptionBudget& pdb) {
    informer::Lister<apps::v1::StatefulSet> lister(sets_);
    return ComputeStatus(pdb, pods_, lister, absl::FromUnixSeconds(1000));
  }

  informer::Indexer<apps::v1::StatefulSet> sets_;
  std::vector<std::shared_ptr<const core::v1::Pod>> pods_;
};

TEST_F(PdbStatusTest, MinAvailableNumber) {
  PodDisruptionBudget pdb;
  pdb.mutable_metadata()->set_generation(4);
  pdb.mutable_spec()->mutable_min_available()->set_number_value(2);
  auto s = Compute(pdb);
  EXPECT_EQ(s.expected_pods(), 3);
  EXPECT_EQ(s.desired_healthy(), 2);
  EXPECT_EQ(s.current_healthy(), 2);
  EXPECT_EQ(s.disruptions_allowed(), 0);
  EXPECT_EQ(s.observed_generation(), 4);
  EXPECT_EQ(s.conditions(0).reason(), "InsufficientPods");
}

TEST_F(PdbStatusTest, MaxUnavailablePercentRoundsUp) {
  PodDisruptionBudget pdb;
  pdb.mutable_spec()->mutable_max_unavailable()->set_string_value("34%");  // of 3: ceil(1.02) = 2
  auto s = Compute(pdb);
  EXPECT_EQ(s.expected_pods(), 3);
  EXPECT_EQ(s.desired_healthy(), 1);
  EXPECT_EQ(s.disruptions_allowed(), 1);
  EXPECT_EQ(s.conditions(0).status(), "True");
  EXPECT_EQ(s.conditions(0).reason(), "SufficientPods");
}

TEST_F(PdbStatusTest, RecentlyDisruptedPodsDoNotCountAsHealthy) {
  PodDisruptionBudget pdb;
  pdb.mutable_spec()->mutable_min_available()->set_number_value(1);
  (*pdb.mutable_status()->mutable_disrupted_pods())["web-0"].set_seconds(990);
  (*pdb.mutable_status()->mutable_disrupted_pods())["gone"].set_seconds(990);
  auto s = Compute(pdb);
  EXPECT_EQ(s.current_healthy(), 1);         // web-1 only
  EXPECT_EQ(s.disrupted_pods().size(), 1u);  // "gone" pruned
}

}  // namespace
}  // namespace ordo::disruption
