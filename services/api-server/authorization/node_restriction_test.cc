#include "services/api-server/authorization/node_restriction.h"

#include <gtest/gtest.h>

namespace ordo::authorization {
namespace {

core::v1::Node Labelled(std::map<std::string, std::string> labels) {
  core::v1::Node node;
  node.mutable_metadata()->set_name("node-1");
  for (const auto& [k, v] : labels) (*node.mutable_metadata()->mutable_labels())[k] = v;
  return node;
}

TEST(NodeRestrictionTest, WhichLabelsANodeMaySet) {
  for (const char* ok :
       {"disk", "example.com/rack", "kubernetes.io/hostname", "topology.kubernetes.io/zone",
        "kubelet.kubernetes.io/x", "node.kubernetes.io/instance-type", "x.node.kubernetes.io/y"}) {
    EXPECT_TRUE(NodeMayLabel(ok)) << ok;
  }
  for (const char* refused :
       {"node-restriction.kubernetes.io/pool", "team.node-restriction.kubernetes.io/pool",
        "kubernetes.io/role", "node-role.kubernetes.io/control-plane", "k8s.io/anything"}) {
    EXPECT_FALSE(NodeMayLabel(refused)) << refused;
  }
}

TEST(NodeRestrictionTest, OnlyChangesCountAndTheWordsAreKubernetes) {
  auto pinned = Labelled({{"node-restriction.kubernetes.io/pool", "gold"}, {"disk", "ssd"}});
  EXPECT_EQ(RestrictNodeLabels(pinned, nullptr).message(),
            "nodes \"node-1\" is forbidden: node \"node-1\" is not allowed to set the following "
            "labels: node-restriction.kubernetes.io/pool");
  // An administrator set it; the node may keep it and change its own others.
  auto changed = pinned;
  (*changed.mutable_metadata()->mutable_labels())["disk"] = "hdd";
  EXPECT_TRUE(RestrictNodeLabels(changed, &pinned).ok());
  // ...but not remove or change it.
  auto removed = Labelled({{"disk", "ssd"}});
  EXPECT_EQ(RestrictNodeLabels(removed, &pinned).message(),
            "nodes \"node-1\" is forbidden: is not allowed to modify labels: "
            "node-restriction.kubernetes.io/pool");
  EXPECT_EQ(RestrictNodeLabels(removed, &pinned).code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace ordo::authorization
