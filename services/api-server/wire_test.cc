#include "services/api-server/wire.h"

#include <gtest/gtest.h>

#include "ordo/core/v1/core.pb.h"

namespace ordo::apiserver::wire {
namespace {

core::v1::Pod StoredPod() {
  core::v1::Pod pod;
  pod.set_kind("Pod");
  pod.mutable_metadata()->set_name("web-0");
  pod.mutable_metadata()->set_uid("u-1");
  (*pod.mutable_metadata()->mutable_labels())["app"] = "web";
  pod.mutable_spec()->add_containers()->set_name("app");
  return pod;
}

TEST(WireTest, ObjectGetsItsResourceVersionAndKeepsEverythingElse) {
  core::v1::Pod pod = StoredPod();
  std::string out;
  AppendObject(out, pod.SerializeAsString(), 12345);
  EXPECT_EQ(out.size(), ObjectSize(pod.SerializeAsString(), 12345));
  core::v1::Pod back;
  ASSERT_TRUE(back.ParseFromString(out));
  EXPECT_EQ(back.metadata().resource_version(), "12345");
  back.mutable_metadata()->clear_resource_version();
  EXPECT_EQ(back.SerializeAsString(), pod.SerializeAsString());
}

TEST(WireTest, WatchEventAndListParseAsTheirMessages) {
  std::string value = StoredPod().SerializeAsString();
  core::v1::PodWatchEvent event;
  ASSERT_TRUE(event.ParseFromString(WatchEvent("MODIFIED", value, 7)));
  EXPECT_EQ(event.type(), "MODIFIED");
  EXPECT_EQ(event.object().metadata().name(), "web-0");
  EXPECT_EQ(event.object().metadata().resource_version(), "7");

  std::string list_bytes;
  AppendListHead(list_bytes, "v1", "PodList", 99);
  for (int rv : {3, 300, 300000}) AppendListItem(list_bytes, value, rv);
  core::v1::PodList list;
  ASSERT_TRUE(list.ParseFromString(list_bytes));
  EXPECT_EQ(list.kind(), "PodList");
  EXPECT_EQ(list.metadata().resource_version(), "99");
  ASSERT_EQ(list.items_size(), 3);
  EXPECT_EQ(list.items(2).metadata().resource_version(), "300000");
  EXPECT_EQ(list.items(1).metadata().labels().at("app"), "web");
}

}  // namespace
}  // namespace ordo::apiserver::wire
