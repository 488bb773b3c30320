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
  return MakeNodeInfo(node);
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
  cordoned = MakeNodeInfo(node);
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
  EXPECT_GT(Score(ControllerUid(pod), PodRequests(pod), empty),
            Score(ControllerUid(pod), PodRequests(pod), busy));
  NodeInfo sibling = MakeNode("2");
  sibling.pods_by_owner["set-1"] = 1;
  EXPECT_GT(Score(ControllerUid(pod), PodRequests(pod), empty),
            Score(ControllerUid(pod), PodRequests(pod), sibling));
}

TEST(PredicatesTest, BoundVolumesKeepThePodWhereTheirNodeAffinityAllows) {
  core::v1::Pod pod = MakePod("1");
  auto pv = std::make_shared<core::v1::PersistentVolume>();
  auto* req = pv->mutable_spec()
                  ->mutable_node_affinity()
                  ->mutable_required()
                  ->add_node_selector_terms()
                  ->add_match_expressions();
  req->set_key("kubernetes.io/hostname");
  req->set_operator_("In");
  req->add_values("node-2");
  NodeInfo info = MakeNode("4");
  auto node = std::make_shared<core::v1::Node>(*info.node);
  (*node->mutable_metadata()->mutable_labels())["kubernetes.io/hostname"] = "node-1";
  info.node = node;
  EXPECT_EQ(Filter(pod, PodRequests(pod), info, {pv}),
            std::vector<std::string>{"node(s) had volume node affinity conflict"});
  (*node->mutable_metadata()->mutable_labels())["kubernetes.io/hostname"] = "node-2";
  EXPECT_TRUE(Filter(pod, PodRequests(pod), info, {pv}).empty());
}

TEST(PredicatesTest, NodeSelectorOperators) {
  core::v1::Node node;
  node.mutable_metadata()->set_name("n1");
  (*node.mutable_metadata()->mutable_labels())["zone"] = "a";
  (*node.mutable_metadata()->mutable_labels())["cores"] = "8";
  auto selector = [](const std::string& key, const std::string& op,
                     std::vector<std::string> values) {
    core::v1::NodeSelector s;
    auto* r = s.add_node_selector_terms()->add_match_expressions();
    r->set_key(key);
    r->set_operator_(op);
    for (const auto& v : values) r->add_values(v);
    return s;
  };
  EXPECT_TRUE(MatchesNodeSelector(selector("zone", "In", {"a", "b"}), node));
  EXPECT_FALSE(MatchesNodeSelector(selector("zone", "NotIn", {"a"}), node));
  EXPECT_TRUE(MatchesNodeSelector(selector("zone", "Exists", {}), node));
  EXPECT_TRUE(MatchesNodeSelector(selector("gpu", "DoesNotExist", {}), node));
  EXPECT_TRUE(MatchesNodeSelector(selector("cores", "Gt", {"4"}), node));
  EXPECT_FALSE(MatchesNodeSelector(selector("cores", "Lt", {"4"}), node));
  core::v1::NodeSelector by_name;
  auto* f = by_name.add_node_selector_terms()->add_match_fields();
  f->set_key("metadata.name");
  f->set_operator_("In");
  f->add_values("n1");
  EXPECT_TRUE(MatchesNodeSelector(by_name, node));
}

TEST(PredicatesTest, FitErrorMessageMatchesKubernetes) {
  EXPECT_EQ(FitErrorMessage(3, {{"Insufficient cpu", 2}, {"node(s) were unschedulable", 1}}),
            "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.");
}

}  // namespace
}  // namespace ordo::scheduler
