// The StatefulSet controller's claims (reference §2.6, §2.12, §5 rows 5, 11
// and 12): retention-policy owners, condemned claims, claims of vanished
// pods, and pods held by a node that is not Ready.
#include "services/controller-manager/statefulset/stateful_set_test_fixture.h"

namespace ordo::statefulset {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

apps::v1::StatefulSet WithRetention(apps::v1::StatefulSet set, const std::string& when_deleted,
                                    const std::string& when_scaled) {
  auto* policy = set.mutable_spec()->mutable_persistent_volume_claim_retention_policy();
  policy->set_when_deleted(when_deleted);
  policy->set_when_scaled(when_scaled);
  return set;
}

std::vector<std::string> ClaimOwners(testing::FakeStatefulSetCluster& cluster,
                                     const std::string& name) {
  std::vector<std::string> out;
  auto claim = cluster.claims.Get("default/" + name);
  if (claim == nullptr) return {"(gone)"};
  for (const auto& ref : claim->metadata().owner_references()) {
    out.push_back(ref.kind() + "/" + ref.name() + (ref.controller() ? "" : " (not controller)"));
  }
  return out;
}

TEST_F(StatefulSetControllerTest, APodOnANodeThatIsNotReadySaysHowToReleaseIt) {
  Put(WebSet(2));
  Converge();
  core::v1::Pod pod = cluster_.GetPod("web-1");
  pod.mutable_spec()->set_node_name("node-2");
  cluster_.PutPod(pod);
  core::v1::Node node;
  node.mutable_metadata()->set_name("node-2");
  auto* ready = node.mutable_status()->add_conditions();
  ready->set_type("Ready");
  ready->set_status("Unknown");
  cluster_.nodes.Upsert(std::make_shared<const core::v1::Node>(node));
  Sync();
  std::string message;
  for (const auto& c : Conditions()) {
    if (c.type() == "PodStuckOnUnreachableNode" && c.status() == "True") message = c.message();
  }
  EXPECT_TRUE(absl::StrContains(message, "web-1 on node-2 (Ready=Unknown)")) << message;
  EXPECT_TRUE(absl::StrContains(message, "--force --grace-period=0")) << message;
  ready->set_status("True");
  cluster_.nodes.Upsert(std::make_shared<const core::v1::Node>(node));
  Sync();
  for (const auto& c : Conditions()) {
    if (c.type() == "PodStuckOnUnreachableNode") {
      EXPECT_EQ(c.status(), "False");
    }
  }
}

TEST_F(StatefulSetControllerTest, RetainRetainLeavesClaimsUnowned) {
  Put(WithRetention(WebSet(2), "Retain", "Retain"));
  Converge();
  EXPECT_THAT(ClaimOwners(cluster_, "www-web-0"), IsEmpty());
  Edit([](auto& s) { s.mutable_spec()->set_replicas(1); });
  Converge();
  EXPECT_THAT(ClaimOwners(cluster_, "www-web-1"), IsEmpty());
}

TEST_F(StatefulSetControllerTest, WhenDeletedDeleteOwnsClaimsBySet) {
  Put(WithRetention(WebSet(2), "Delete", "Retain"));
  EXPECT_THAT(Sync(), ElementsAre("create revision 1", "create pvc www-web-0", "create pod web-0",
                                  "own pvc www-web-0 by StatefulSet/web"));
  Converge();
  EXPECT_THAT(ClaimOwners(cluster_, "www-web-1"), ElementsAre("StatefulSet/web"));
  // Scaled down under whenScaled=Retain, the claim stays the set's.
  Edit([](auto& s) { s.mutable_spec()->set_replicas(1); });
  Converge();
  EXPECT_THAT(ClaimOwners(cluster_, "www-web-1"), ElementsAre("StatefulSet/web"));
  // A policy changed back to Retain takes the references away.
  Edit([](auto& s) {
    s.mutable_spec()->mutable_persistent_volume_claim_retention_policy()->set_when_deleted(
        "Retain");
  });
  Converge();
  EXPECT_THAT(ClaimOwners(cluster_, "www-web-0"), IsEmpty());
}

TEST_F(StatefulSetControllerTest, WhenScaledDeleteHandsCondemnedClaimsToTheirPodFirst) {
  Put(WithRetention(WebSet(3), "Delete", "Delete"));
  Converge();
  EXPECT_THAT(ClaimOwners(cluster_, "www-web-2"), ElementsAre("StatefulSet/web"));
  Edit([](auto& s) { s.mutable_spec()->set_replicas(1); });
  // Both condemned claims change hands before the first pod is deleted.
  EXPECT_THAT(Sync(), ElementsAre("own pvc www-web-2 by Pod/web-2",
                                  "own pvc www-web-1 by Pod/web-1", "delete pod web-2"));
  EXPECT_THAT(ClaimOwners(cluster_, "www-web-0"), ElementsAre("StatefulSet/web"));
}

TEST_F(StatefulSetControllerTest, AScaledBackOrdinalWaitsForItsCondemnedClaimToGo) {
  Put(WithRetention(WebSet(2), "Retain", "Delete"));
  Converge();
  Edit([](auto& s) { s.mutable_spec()->set_replicas(1); });
  Converge();
  EXPECT_FALSE(cluster_.HasPod("web-1"));
  EXPECT_THAT(ClaimOwners(cluster_, "www-web-1"), ElementsAre("Pod/web-1"));  // GC not yet
  Edit([](auto& s) { s.mutable_spec()->set_replicas(2); });
  EXPECT_THAT(Sync(), IsEmpty());               // the old claim would carry web-1's old data
  cluster_.claims.Remove("default/www-web-1");  // the garbage collector's work
  EXPECT_THAT(Sync(), ElementsAre("create pvc www-web-1", "create pod web-1"));
}

TEST_F(StatefulSetControllerTest, ClaimsOfPodsThatVanishedBeforeTheHandOverAreStillDeleted) {
  Put(WithRetention(WebSet(3), "Retain", "Delete"));
  Converge();
  // Scaled down while the controller was away, and the condemned pods were
  // force-deleted before it could hand their claims to them.
  Edit([](auto& s) { s.mutable_spec()->set_replicas(1); });
  cluster_.pods.Remove("default/web-1");
  cluster_.pods.Remove("default/web-2");
  EXPECT_THAT(Sync(), ElementsAre("delete pvc www-web-1", "delete pvc www-web-2"));
  EXPECT_NE(cluster_.claims.Get("default/www-web-0"), nullptr);
  // whenScaled=Retain keeps them, of course.
  Put(WithRetention(WebSet(1), "Retain", "Retain"));
  core::v1::PersistentVolumeClaim kept = *cluster_.claims.Get("default/www-web-0");
  kept.mutable_metadata()->set_name("www-web-7");
  kept.mutable_metadata()->clear_uid();
  cluster_.claims.Upsert(std::make_shared<const core::v1::PersistentVolumeClaim>(kept));
  EXPECT_THAT(Sync(), IsEmpty());
}

}  // namespace
}  // namespace ordo::statefulset
