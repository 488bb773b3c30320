#include "cli/ordoctl/apply_merge.h"

#include <gtest/gtest.h>

#include "ordo/apps/v1/apps.pb.h"

namespace ordo::ctl {
namespace {

apps::v1::StatefulSet Set(int replicas, const std::string& image) {
  apps::v1::StatefulSet set;
  set.mutable_metadata()->set_name("web");
  (*set.mutable_metadata()->mutable_labels())["app"] = "web";
  set.mutable_spec()->set_replicas(replicas);
  set.mutable_spec()->set_service_name("nginx");
  auto* c = set.mutable_spec()->mutable_template_()->mutable_spec()->add_containers();
  c->set_name("app");
  c->set_image(image);
  return set;
}

TEST(MergeAppliedTest, SetsDeclaredFieldsAndKeepsWhatOthersSet) {
  apps::v1::StatefulSet live = Set(3, "v1");
  live.mutable_spec()->set_min_ready_seconds(7);  // set by someone else
  (*live.mutable_metadata()->mutable_labels())["team"] = "db";
  live.mutable_status()->set_replicas(3);
  apps::v1::StatefulSet last = Set(3, "v1");
  apps::v1::StatefulSet manifest = Set(5, "v2");
  MergeApplied(manifest, &last, live);
  EXPECT_EQ(live.spec().replicas(), 5);
  EXPECT_EQ(live.spec().template_().spec().containers(0).image(), "v2");
  EXPECT_EQ(live.spec().min_ready_seconds(), 7);
  EXPECT_EQ(live.metadata().labels().at("team"), "db");
  EXPECT_EQ(live.status().replicas(), 3);
}

TEST(MergeAppliedTest, RemovesWhatTheLastApplyDeclaredAndThisOneDropped) {
  apps::v1::StatefulSet last = Set(3, "v1");
  (*last.mutable_metadata()->mutable_labels())["tier"] = "web";
  last.mutable_spec()->set_min_ready_seconds(10);
  apps::v1::StatefulSet live = last;
  apps::v1::StatefulSet manifest = Set(3, "v1");  // no tier label, no minReadySeconds
  MergeApplied(manifest, &last, live);
  EXPECT_FALSE(live.metadata().labels().contains("tier"));
  EXPECT_EQ(live.spec().min_ready_seconds(), 0);
  EXPECT_EQ(live.metadata().labels().at("app"), "web");
}

TEST(MergeAppliedTest, WithoutALastApplyNothingIsRemoved) {
  apps::v1::StatefulSet live = Set(3, "v1");
  live.mutable_spec()->set_min_ready_seconds(10);
  MergeApplied(Set(4, "v1"), nullptr, live);
  EXPECT_EQ(live.spec().replicas(), 4);
  EXPECT_EQ(live.spec().min_ready_seconds(), 10);
}

}  // namespace
}  // namespace ordo::ctl
