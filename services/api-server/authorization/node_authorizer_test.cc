// The Node authorizer: one node's certificate reaches its own objects and
// the pods bound to it, and nothing of another node's.
#include "services/api-server/authorization/node_authorizer.h"

#include <gtest/gtest.h>

#include <map>

namespace ordo::authorization {
namespace {

class DenyAll : public Authorizer {
 public:
  bool Allows(const security::UserInfo&, const RequestAttributes&) const override {
    ++asked;
    return false;
  }
  mutable int asked = 0;
};

security::UserInfo Node(const std::string& name) {
  return {.name = "system:node:" + name, .groups = {"system:nodes", "system:authenticated"}};
}

RequestAttributes Ask(const std::string& verb, const std::string& resource, const std::string& ns,
                      const std::string& name, const std::string& subresource = "",
                      const std::string& group = "") {
  return {.verb = verb,
          .api_group = group,
          .resource = resource,
          .subresource = subresource,
          .ns = ns,
          .name = name};
}

class NodeAuthorizerTest : public ::testing::Test {
 protected:
  std::map<std::pair<std::string, std::string>, std::string> pods_ = {
      {{"default", "web-0"}, "node-1"}, {{"default", "web-1"}, "node-2"}, {{"default", "new"}, ""}};
  DenyAll rbac_;
  NodeAuthorizer authorizer_{
      [this](const std::string& ns, const std::string& name) -> std::optional<std::string> {
        auto it = pods_.find({ns, name});
        if (it == pods_.end()) return std::nullopt;
        return it->second;
      },
      rbac_,
      [](const std::string& name) -> std::optional<std::string> {
        if (name == "snapcontent-1") return "node-1";
        return std::nullopt;
      }};
};

TEST_F(NodeAuthorizerTest, ANodeWritesItsOwnNodeAndLeaseOnly) {
  auto n1 = Node("node-1");
  EXPECT_TRUE(authorizer_.Allows(n1, Ask("create", "nodes", "", "node-1")));
  EXPECT_TRUE(authorizer_.Allows(n1, Ask("update", "nodes", "", "node-1", "status")));
  EXPECT_FALSE(authorizer_.Allows(n1, Ask("update", "nodes", "", "node-2")));
  EXPECT_FALSE(authorizer_.Allows(n1, Ask("update", "nodes", "", "node-2", "status")));
  EXPECT_FALSE(authorizer_.Allows(n1, Ask("delete", "nodes", "", "node-2")));
  EXPECT_TRUE(authorizer_.Allows(n1, Ask("list", "nodes", "", "")));
  EXPECT_TRUE(authorizer_.Allows(
      n1, Ask("update", "leases", "kube-node-lease", "node-1", "", "coordination.k8s.io")));
  EXPECT_FALSE(authorizer_.Allows(
      n1, Ask("update", "leases", "kube-node-lease", "node-2", "", "coordination.k8s.io")));
  EXPECT_FALSE(authorizer_.Allows(
      n1, Ask("update", "leases", "kube-system", "node-1", "", "coordination.k8s.io")));
}

TEST_F(NodeAuthorizerTest, PodsBoundToTheNodeAndNoOthers) {
  auto n1 = Node("node-1");
  EXPECT_TRUE(authorizer_.Allows(n1, Ask("update", "pods", "default", "web-0", "status")));
  EXPECT_TRUE(authorizer_.Allows(n1, Ask("delete", "pods", "default", "web-0")));
  EXPECT_FALSE(authorizer_.Allows(n1, Ask("update", "pods", "default", "web-1", "status")));
  EXPECT_FALSE(authorizer_.Allows(n1, Ask("delete", "pods", "default", "web-1")));
  EXPECT_FALSE(authorizer_.Allows(n1, Ask("delete", "pods", "default", "new")));      // unbound
  EXPECT_FALSE(authorizer_.Allows(n1, Ask("delete", "pods", "default", "missing")));  // gone
  EXPECT_FALSE(authorizer_.Allows(n1, Ask("update", "pods", "default", "web-0")));    // the spec
  EXPECT_FALSE(authorizer_.Allows(n1, Ask("create", "pods", "default", "mine")));
  EXPECT_FALSE(authorizer_.Allows(n1, Ask("create", "pods", "default", "web-0", "binding")));
  EXPECT_TRUE(authorizer_.Allows(n1, Ask("watch", "pods", "", "")));
}

TEST_F(NodeAuthorizerTest, SnapshotContentsGivenToTheNodeAndNoOthers) {
  auto n1 = Node("node-1"), n2 = Node("node-2");
  const std::string group = "snapshot.storage.k8s.io";
  EXPECT_TRUE(authorizer_.Allows(n1, Ask("watch", "volumesnapshotcontents", "", "", "", group)));
  EXPECT_TRUE(authorizer_.Allows(
      n1, Ask("update", "volumesnapshotcontents", "", "snapcontent-1", "status", group)));
  EXPECT_FALSE(authorizer_.Allows(
      n2, Ask("update", "volumesnapshotcontents", "", "snapcontent-1", "status", group)));
  EXPECT_TRUE(authorizer_.Allows(
      n1, Ask("update", "volumesnapshotcontents", "", "snapcontent-1", "", group)));
  EXPECT_FALSE(authorizer_.Allows(
      n2, Ask("update", "volumesnapshotcontents", "", "snapcontent-1", "", group)));
  EXPECT_FALSE(authorizer_.Allows(
      n1, Ask("delete", "volumesnapshotcontents", "", "snapcontent-1", "", group)));
  EXPECT_FALSE(authorizer_.Allows(
      n1, Ask("update", "volumesnapshotcontents", "", "unassigned", "status", group)));
}

TEST_F(NodeAuthorizerTest, WhatItDoesNotGrantGoesToTheNextAuthorizer) {
  EXPECT_FALSE(authorizer_.Allows(Node("node-1"), Ask("list", "statefulsets", "", "", "", "apps")));
  EXPECT_EQ(rbac_.asked, 1);
  security::UserInfo impostor{.name = "system:node:node-1", .groups = {"system:authenticated"}};
  EXPECT_FALSE(authorizer_.Allows(impostor, Ask("update", "nodes", "", "node-1")));
  EXPECT_EQ(rbac_.asked, 2);
  EXPECT_EQ(NodeNameOf(impostor), std::nullopt);
  EXPECT_EQ(NodeNameOf(Node("node-7")), "node-7");
}

}  // namespace
}  // namespace ordo::authorization
