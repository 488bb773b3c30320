#include "common/api/resource_info.h"

#include <gtest/gtest.h>

namespace ordo::api {
namespace {

TEST(ResourceInfoTest, KubectlNamesFindTheirKind) {
  for (const char* name :
       {"sts", "statefulset", "statefulsets", "StatefulSet", "statefulsets.apps"}) {
    ASSERT_NE(FindResource(name), nullptr) << name;
    EXPECT_EQ(FindResource(name)->kind, "StatefulSet") << name;
  }
  EXPECT_EQ(FindResource("po")->kind, "Pod");
  EXPECT_EQ(FindResource("pvc")->kind, "PersistentVolumeClaim");
  EXPECT_EQ(FindResource("no")->kind, "Node");
  EXPECT_EQ(FindResource("ep")->kind, "Endpoints");
  EXPECT_EQ(FindResource("pdb")->kind, "PodDisruptionBudget");
  EXPECT_EQ(FindResource("deployments"), nullptr);
}

TEST(ResourceInfoTest, NamesAndKeys) {
  const ResourceInfo& sts = ResourceFor("StatefulSet");
  EXPECT_EQ(sts.ApiVersion(), "apps/v1");
  EXPECT_EQ(sts.GroupResource(), "statefulsets.apps");
  EXPECT_EQ(sts.QualifiedKind(), "StatefulSet.apps");
  EXPECT_EQ(sts.Key("default", "web"), "/registry/statefulsets/default/web");
  EXPECT_EQ(ResourceFor("Node").Key("", "n1"), "/registry/nodes/n1");
  EXPECT_EQ(ResourceFor("Pod").prototype->GetDescriptor()->name(), "Pod");
}

}  // namespace
}  // namespace ordo::api
