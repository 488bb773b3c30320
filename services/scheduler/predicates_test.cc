#include "services/scheduler/predicates.h"

#include <gtest/gtest.h>

namespace ordo::scheduler {
namespace {

NodeInfo MakeNode(const std::string& cpu, bool ready = true) {
  auto node = std::make_shared<core::v1::Node>();
  node->mutable_metadata()->set_name("n");
  (*node->mutable_status()->mutable_allocatable())["cpu"] = cpu;
  (*node->mutable_status()->mutable_allocatable())["memory"] = "1Gi";
  (*node->mutable_status()->mutable_allocatable())["pods"] = "2";
  auto* c = node->mutable_status()->add_conditions();
  c->set_type("Ready");
  c->set_status(ready ? "True" : "False");
  NodeInfo info{.node = node, .allocatable = Allocatable(*node)};
  return info;
}

core::v1::Pod MakePod(const std::string& cpu) {
  core::v1::Pod pod;
  auto* c = pod.mutable_spec()->add_containers();
  (*c->mutable_resources()->mutable_requests())["cpu"] = cpu;
  return pod;
}

TEST(PredicatesTest, FitsWhenThereIsRoom) {
  core::v1::Pod pod = MakePod("500m");
  EXPECT_TRUE(Filter(pod, PodRequests(pod), MakeNode("1")).empty());
}

TEST(PredicatesTest, RefusesWithKubernetesReasons) {
  core::v1::Pod pod = MakePod("2");
  EXPECT_EQ(Filter(pod, PodRequests(pod), MakeNode("1")),
            std::vector<std::string>{"Insufficient cpu"});
  EXPECT_EQ(Filter(pod, PodRequests(pod), MakeNode("4", false)),
            std::vector<std::string>{"node(s) were not ready"});
  NodeInfo cordoned = MakeNode("4");
  auto node = std::make_shared<core::v1::Node>(*cordoned.node);
  node->mutable_spec()->set_unschedulable(true);
  cordoned.node = node;
  EXPECT_EQ(Filter(pod, PodRequests(pod), cordoned),
            std::vector<std::string>{"node(s) were unschedulable"});
  NodeInfo full = MakeNode("4");
  full.requested.pods = 2;
  EXPECT_EQ(Filter(pod, PodRequests(pod), full), std::vector<std::string>{"Too many pods"});
}

TEST(PredicatesTest, TaintsNeedTolerations) {
  core::v1::Pod pod = MakePod("1");
  NodeInfo info = MakeNode("4");
  auto node = std::make_shared<core::v1::Node>(*info.node);
  auto* taint = node->mutable_spec()->add_taints();
  taint->set_key("dedicated");
  taint->set_value("db");
  taint->set_effect("NoSchedule");
  info.node = node;
  EXPECT_EQ(Filter(pod, PodRequests(pod), info),
            std::vector<std::string>{"node(s) had untolerated taint {dedicated: db}"});
  auto* t = pod.mutable_spec()->add_tolerations();
  t->set_key("dedicated");
  t->set_operator_("Equal");
  t->set_value("db");
  EXPECT_TRUE(Filter(pod, PodRequests(pod), info).empty());
}

TEST(PredicatesTest, NodeSelectorMustMatch) {
  core::v1::Pod pod = MakePod("1");
  (*pod.mutable_spec()->mutable_node_selector())["disk"] = "ssd";
  EXPECT_EQ(Filter(pod, PodRequests(pod), MakeNode("4")),
            std::vector<std::string>{"node(s) didn't match Pod's node affinity/selector"});
}

TEST(PredicatesTest, ScorePrefersEmptierNodesAndSpreadsOwners) {
  core::v1::Pod pod = MakePod("500m");
  auto* ref = pod.mutable_metadata()->add_owner_references();
  ref->set_uid("set-1");
  ref->set_controller(true);
  NodeInfo empty = MakeNode("2");
  NodeInfo busy = MakeNode("2");
  busy.requested.nonzero_milli_cpu = 1000;
  EXPECT_GT(Score(pod, PodRequests(pod), empty), Score(pod, PodRequests(pod), busy));
  NodeInfo sibling = MakeNode("2");
  sibling.pods_by_owner["set-1"] = 1;
  EXPECT_GT(Score(pod, PodRequests(pod), empty), Score(pod, PodRequests(pod), sibling));
}

TEST(PredicatesTest, FitErrorMessageMatchesKubernetes) {
  EXPECT_EQ(FitErrorMessage(3, {{"Insufficient cpu", 2}, {"node(s) were unschedulable", 1}}),
            "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.");
}

}  // namespace
}  // namespace ordo::scheduler
