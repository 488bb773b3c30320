// kube-state-metrics' series from the caches: a StatefulSet's counts and
// revisions, a pod's Ready condition as three series, a claim's phase as
// three; nothing before the caches sync or after leadership ends.
#include "services/controller-manager/state_metrics.h"

#include <gtest/gtest.h>

#include "prometheus/text_serializer.h"

namespace ordo::controller {
namespace {

class StateMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    metrics_.Lead(
        {.sets = &sets_, .pods = &pods_, .claims = &claims_, .nodes = &nodes_, .synced = [this] {
           return synced_;
         }});
  }
  std::string Exposition() { return prometheus::TextSerializer().Serialize(metrics_.Collect()); }

  informer::Indexer<apps::v1::StatefulSet> sets_;
  informer::Indexer<core::v1::Pod> pods_;
  informer::Indexer<core::v1::PersistentVolumeClaim> claims_;
  informer::Indexer<core::v1::Node> nodes_;
  bool synced_ = true;
  StateMetrics metrics_;
};

TEST_F(StateMetricsTest, AStatefulSetMidRollout) {
  auto set = std::make_shared<apps::v1::StatefulSet>();
  set->mutable_metadata()->set_namespace_("default");
  set->mutable_metadata()->set_name("web");
  set->mutable_metadata()->set_generation(3);
  set->mutable_spec()->set_replicas(3);
  auto* status = set->mutable_status();
  status->set_observed_generation(3);
  status->set_replicas(3);
  status->set_ready_replicas(2);
  status->set_current_replicas(2);
  status->set_updated_replicas(1);
  status->set_available_replicas(2);
  status->set_current_revision("web-6b9f");
  status->set_update_revision("web-7c4d");
  sets_.Upsert(set);
  const std::string text = Exposition();
  for (
      const char* line : {
          R"(kube_statefulset_replicas{namespace="default",statefulset="web"} 3)",
          R"(kube_statefulset_status_replicas{namespace="default",statefulset="web"} 3)",
          R"(kube_statefulset_status_replicas_ready{namespace="default",statefulset="web"} 2)",
          R"(kube_statefulset_status_replicas_current{namespace="default",statefulset="web"} 2)",
          R"(kube_statefulset_status_replicas_updated{namespace="default",statefulset="web"} 1)",
          R"(kube_statefulset_status_replicas_available{namespace="default",statefulset="web"} 2)",
          R"(kube_statefulset_metadata_generation{namespace="default",statefulset="web"} 3)",
          R"(kube_statefulset_status_observed_generation{namespace="default",statefulset="web"} 3)",
          R"(kube_statefulset_status_current_revision{namespace="default",statefulset="web",revision="web-6b9f"} 1)",
          R"(kube_statefulset_status_update_revision{namespace="default",statefulset="web",revision="web-7c4d"} 1)",
      }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

TEST_F(StateMetricsTest, PodReadinessAndClaimPhase) {
  auto pod = std::make_shared<core::v1::Pod>();
  pod->mutable_metadata()->set_namespace_("default");
  pod->mutable_metadata()->set_name("web-0");
  pod->mutable_metadata()->set_uid("u1");
  auto* ready = pod->mutable_status()->add_conditions();
  ready->set_type("Ready");
  ready->set_status("False");
  pods_.Upsert(pod);
  auto claim = std::make_shared<core::v1::PersistentVolumeClaim>();
  claim->mutable_metadata()->set_namespace_("default");
  claim->mutable_metadata()->set_name("data-web-0");
  claim->mutable_status()->set_phase("Bound");
  claims_.Upsert(claim);
  const std::string text = Exposition();
  for (
      const char* line : {
          R"(kube_pod_status_ready{namespace="default",pod="web-0",uid="u1",condition="true"} 0)",
          R"(kube_pod_status_ready{namespace="default",pod="web-0",uid="u1",condition="false"} 1)",
          R"(kube_pod_status_ready{namespace="default",pod="web-0",uid="u1",condition="unknown"} 0)",
          R"(kube_persistentvolumeclaim_status_phase{namespace="default",persistentvolumeclaim="data-web-0",phase="Bound"} 1)",
          R"(kube_persistentvolumeclaim_status_phase{namespace="default",persistentvolumeclaim="data-web-0",phase="Pending"} 0)",
      }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

TEST_F(StateMetricsTest, NodeConditions) {
  auto node = std::make_shared<core::v1::Node>();
  node->mutable_metadata()->set_name("node-1");
  auto* ready = node->mutable_status()->add_conditions();
  ready->set_type("Ready");
  ready->set_status("Unknown");
  nodes_.Upsert(node);
  const std::string text = Exposition();
  for (const char* line : {
           R"(kube_node_status_condition{node="node-1",condition="Ready",status="true"} 0)",
           R"(kube_node_status_condition{node="node-1",condition="Ready",status="unknown"} 1)",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

TEST_F(StateMetricsTest, NothingUntilSyncedOrAfterLeadershipEnds) {
  auto set = std::make_shared<apps::v1::StatefulSet>();
  set->mutable_metadata()->set_name("web");
  sets_.Upsert(set);
  synced_ = false;
  EXPECT_TRUE(metrics_.Collect().empty());
  synced_ = true;
  EXPECT_FALSE(metrics_.Collect().empty());
  metrics_.Stop();
  EXPECT_TRUE(metrics_.Collect().empty());
}

}  // namespace
}  // namespace ordo::controller
