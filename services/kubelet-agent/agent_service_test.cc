#include "services/kubelet-agent/agent_service.h"

#include <gtest/gtest.h>

namespace ordo::kubelet {
namespace {

TEST(TailLinesTest, KeepsTheLastLines) {
  EXPECT_EQ(TailLines("a\nb\nc\n", 2), "b\nc\n");
  EXPECT_EQ(TailLines("a\nb\nc", 2), "b\nc");
  EXPECT_EQ(TailLines("a\nb\nc\n", 5), "a\nb\nc\n");
  EXPECT_EQ(TailLines("a\nb\nc\n", 0), "");
  EXPECT_EQ(TailLines("a\nb\nc\n", -1), "a\nb\nc\n");
  EXPECT_EQ(TailLines("", 3), "");
}

}  // namespace
}  // namespace ordo::kubelet

namespace ordo::kubelet {
namespace {

TEST(AdmitAgentCallerTest, OnlyTheApiServerAndAdminsGetIn) {
  EXPECT_TRUE(AdmitAgentCaller({.name = "kube-apiserver"}).ok());
  EXPECT_TRUE(AdmitAgentCaller({.name = "kubernetes-admin", .groups = {"system:masters"}}).ok());
  grpc::Status node = AdmitAgentCaller({.name = "system:node:node-2", .groups = {"system:nodes"}});
  EXPECT_EQ(node.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(node.error_message().find("\"system:node:node-2\" cannot reach the kubelet-agent"),
            std::string::npos)
      << node.error_message();
  EXPECT_EQ(AdmitAgentCaller({.name = "jane"}).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace ordo::kubelet
