// ApiServer's cross-object rules over an in-memory store: namespaces, binding,
// eviction against disruption budgets, and the scale subresource.
#include "services/api-server/api_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock/fake_clock.h"
#include "common/store/memory_store.h"
#include "common/testing/status_matchers.h"

namespace ordo::apiserver {
namespace {

using ::ordo::testing::StatusIs;
using ::testing::HasSubstr;

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(api_.Bootstrap()); }

  core::v1::Pod RunningPod(const std::string& name, bool ready) {
    core::v1::Pod pod;
    pod.mutable_metadata()->set_name(name);
    (*pod.mutable_metadata()->mutable_labels())["app"] = "web";
    auto* c = pod.mutable_spec()->add_containers();
    c->set_name("app");
    c->set_image("ordo-podapp");
    EXPECT_OK(api_.registry("Pod").Create(pod));
    core::v1::Binding binding;
    binding.mutable_metadata()->set_name(name);
    binding.mutable_target()->set_name("node-a");
    auto bound = api_.Bind(binding);
    EXPECT_OK(bound);
    core::v1::Pod running = static_cast<const core::v1::Pod&>(**bound);
    running.mutable_status()->set_phase("Running");
    auto* cond = running.mutable_status()->add_conditions();
    cond->set_type("Ready");
    cond->set_status(ready ? "True" : "False");
    auto updated = api_.registry("Pod").UpdateStatus(running);
    EXPECT_OK(updated);
    return static_cast<const core::v1::Pod&>(**updated);
  }

  void Budget(int allowed, int healthy, int desired,
              const std::string& unhealthy_policy = "IfHealthyBudget") {
    policy::v1::PodDisruptionBudget pdb;
    pdb.mutable_metadata()->set_name("web");
    pdb.mutable_spec()->set_unhealthy_pod_eviction_policy(unhealthy_policy);
    (*pdb.mutable_spec()->mutable_selector()->mutable_match_labels())["app"] = "web";
    pdb.mutable_spec()->mutable_min_available()->set_number_value(desired);
    auto created = api_.registry("PodDisruptionBudget").Create(pdb);
    ASSERT_OK(created);
    pdb = static_cast<const policy::v1::PodDisruptionBudget&>(**created);
    pdb.mutable_status()->set_observed_generation(1);
    pdb.mutable_status()->set_disruptions_allowed(allowed);
    pdb.mutable_status()->set_current_healthy(healthy);
    pdb.mutable_status()->set_desired_healthy(desired);
    ASSERT_OK(api_.registry("PodDisruptionBudget").UpdateStatus(pdb));
  }

  policy::v1::Eviction EvictionOf(const std::string& name) {
    policy::v1::Eviction eviction;
    eviction.mutable_metadata()->set_name(name);
    eviction.mutable_delete_options()->set_grace_period_seconds(0);
    return eviction;
  }

  store::MemoryStore store_;
  FakeClock clock_;
  ApiServer api_{store_, clock_};
};

TEST_F(ApiServerTest, BootstrapCreatesTheBuiltinNamespacesOnce) {
  ASSERT_OK(api_.Bootstrap());
  meta::v1::ListOptions all;
  auto listed = api_.registry("Namespace").List(all);
  ASSERT_OK(listed);
  EXPECT_EQ(listed->items.size(), 4u);
  meta::v1::DeleteRequest del;
  del.set_name("default");
  EXPECT_THAT(api_.DeleteNamespace(del),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("may not be deleted")));
}

TEST_F(ApiServerTest, NamespaceWithObjectsTerminatesAndRefusesNewContent) {
  core::v1::Namespace ns;
  ns.mutable_metadata()->set_name("team");
  ASSERT_OK(api_.registry("Namespace").Create(ns));
  core::v1::Service svc;
  svc.mutable_metadata()->set_name("nginx");
  svc.mutable_metadata()->set_namespace_("team");
  svc.mutable_spec()->set_cluster_ip("None");
  ASSERT_OK(api_.registry("Service").Create(svc));
  meta::v1::DeleteRequest del;
  del.set_name("team");
  auto deleting = api_.DeleteNamespace(del);
  ASSERT_OK(deleting);
  const auto& terminating = static_cast<const core::v1::Namespace&>(**deleting);
  EXPECT_EQ(terminating.status().phase(), "Terminating");
  EXPECT_TRUE(terminating.metadata().has_deletion_timestamp());
  svc.mutable_metadata()->set_name("another");
  EXPECT_THAT(api_.registry("Service").Create(svc),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("being terminated")));

  core::v1::Namespace empty;
  empty.mutable_metadata()->set_name("empty");
  ASSERT_OK(api_.registry("Namespace").Create(empty));
  del.set_name("empty");
  ASSERT_OK(api_.DeleteNamespace(del));
  EXPECT_THAT(api_.registry("Namespace").Get("", "empty"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ApiServerTest, BindSetsTheNodeAndPodScheduledOnce) {
  core::v1::Pod pod = RunningPod("web-0", true);
  EXPECT_EQ(pod.spec().node_name(), "node-a");
  bool scheduled = false;
  for (const auto& c : pod.status().conditions()) {
    scheduled = scheduled || (c.type() == "PodScheduled" && c.status() == "True");
  }
  EXPECT_TRUE(scheduled);
  core::v1::Binding again;
  again.mutable_metadata()->set_name("web-0");
  again.mutable_target()->set_name("node-b");
  EXPECT_THAT(api_.Bind(again), StatusIs(absl::StatusCode::kAborted,
                                         HasSubstr("already assigned to node \"node-a\"")));
  again.mutable_target()->clear_name();
  EXPECT_THAT(api_.Bind(again),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("target.name")));
}

TEST_F(ApiServerTest, EvictionWithoutABudgetDeletes) {
  RunningPod("web-0", true);
  ASSERT_OK(api_.Evict(EvictionOf("web-0")));
  EXPECT_THAT(api_.registry("Pod").Get("default", "web-0"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ApiServerTest, EvictionSpendsTheBudgetThenRefuses) {
  RunningPod("web-0", true);
  RunningPod("web-1", true);
  Budget(/*allowed=*/1, /*healthy=*/2, /*desired=*/1);
  ASSERT_OK(api_.Evict(EvictionOf("web-0")));
  EXPECT_THAT(
      api_.Evict(EvictionOf("web-1")),
      StatusIs(absl::StatusCode::kResourceExhausted,
               HasSubstr("Cannot evict pod as it would violate the pod's disruption budget.")));
  EXPECT_OK(api_.registry("Pod").Get("default", "web-1"));
  auto pdb = api_.registry("PodDisruptionBudget").Get("default", "web");
  ASSERT_OK(pdb);
  const auto& status = static_cast<const policy::v1::PodDisruptionBudget&>(**pdb).status();
  EXPECT_EQ(status.disruptions_allowed(), 0);
  EXPECT_TRUE(status.disrupted_pods().contains("web-0"));
}

TEST_F(ApiServerTest, UnreadyPodMayGoWhenTheBudgetIsMetAnyway) {
  RunningPod("web-0", true);
  RunningPod("web-1", false);
  Budget(/*allowed=*/0, /*healthy=*/1, /*desired=*/1);
  ASSERT_OK(api_.Evict(EvictionOf("web-1")));
  EXPECT_THAT(api_.Evict(EvictionOf("web-0")), StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(ApiServerTest, UnreadyPodStaysWhileTheBudgetIsShortUnlessAlwaysAllow) {
  RunningPod("web-0", true);
  RunningPod("web-1", false);
  Budget(/*allowed=*/0, /*healthy=*/1, /*desired=*/2);
  EXPECT_THAT(api_.Evict(EvictionOf("web-1")),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("needs 2 healthy pods and has 1 currently")));
  EXPECT_OK(api_.registry("Pod").Get("default", "web-1"));
}

TEST_F(ApiServerTest, AlwaysAllowLetsAnUnreadyPodGoWhileTheBudgetIsShort) {
  RunningPod("web-0", true);
  RunningPod("web-1", false);
  Budget(/*allowed=*/0, /*healthy=*/1, /*desired=*/2, "AlwaysAllow");
  ASSERT_OK(api_.Evict(EvictionOf("web-1")));
  EXPECT_THAT(api_.Evict(EvictionOf("web-0")), StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(ApiServerTest, ScaleChangesOnlyReplicas) {
  apps::v1::StatefulSet set;
  set.mutable_metadata()->set_name("web");
  (*set.mutable_spec()->mutable_selector()->mutable_match_labels())["app"] = "web";
  auto& tmpl = *set.mutable_spec()->mutable_template_();
  (*tmpl.mutable_metadata()->mutable_labels())["app"] = "web";
  auto* c = tmpl.mutable_spec()->add_containers();
  c->set_name("app");
  c->set_image("ordo-podapp");
  ASSERT_OK(api_.registry("StatefulSet").Create(set));
  auto scale = api_.GetScale("default", "web");
  ASSERT_OK(scale);
  EXPECT_EQ(scale->spec().replicas(), 1);
  apps::v1::Scale bigger = *scale;
  bigger.mutable_spec()->set_replicas(4);
  auto scaled = api_.UpdateScale(bigger);
  ASSERT_OK(scaled);
  EXPECT_EQ(scaled->spec().replicas(), 4);
  bigger.mutable_spec()->set_replicas(-1);
  EXPECT_THAT(api_.UpdateScale(bigger),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("Scale.autoscaling \"web\" is invalid: spec.replicas")));
  // A stale scale loses.
  apps::v1::Scale stale = *scale;
  stale.mutable_spec()->set_replicas(2);
  EXPECT_THAT(api_.UpdateScale(stale), StatusIs(absl::StatusCode::kAborted));
}

}  // namespace
}  // namespace ordo::apiserver
