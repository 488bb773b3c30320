// FakeObjectStore stamps and refuses as the api-server does, and logs each call.
#include "common/testing/fake_object_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock/fake_clock.h"
#include "common/testing/status_matchers.h"

namespace ordo::testing {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Strings(const std::vector<Action>& actions) {
  std::vector<std::string> out;
  for (const auto& a : actions) out.push_back(a.ToString());
  return out;
}

core::v1::Pod NamedPod(const std::string& name) {
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name(name);
  pod.mutable_spec()->add_containers()->set_image("nginx:1");
  return pod;
}

class FakeObjectStoreTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  FakeObjectStore store_{clock_};
};

TEST_F(FakeObjectStoreTest, CreateStampsUidVersionGenerationAndPendingPhase) {
  auto pod = store_.Create(NamedPod("web-0"));
  ASSERT_TRUE(pod.ok()) << pod.status();
  EXPECT_EQ(pod->metadata().namespace_(), "default");
  EXPECT_EQ(pod->metadata().uid(), "uid-1");
  EXPECT_EQ(pod->metadata().resource_version(), "1");
  EXPECT_EQ(pod->metadata().generation(), 1);
  EXPECT_TRUE(pod->metadata().has_creation_timestamp());
  EXPECT_EQ(pod->status().phase(), "Pending");
  EXPECT_NE(store_.Find<core::v1::Pod>("default", "web-0"), nullptr);
  EXPECT_EQ(store_.Create(NamedPod("web-0")).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(Strings(store_.TakeActions()), ElementsAre("create pods default/web-0"));
}

TEST_F(FakeObjectStoreTest, AStaleResourceVersionIsAConflictAndChangesNothing) {
  auto pod = *store_.Create(NamedPod("web-0"));
  auto first = pod;
  first.mutable_metadata()->mutable_labels()->insert({"a", "b"});
  ASSERT_TRUE(store_.Update(first).ok());
  auto stale = pod;
  stale.mutable_metadata()->mutable_labels()->insert({"c", "d"});
  EXPECT_EQ(store_.Update(stale).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_.Find<core::v1::Pod>("default", "web-0")->metadata().labels().count("c"), 0);
}

TEST_F(FakeObjectStoreTest, UpdateKeepsStatusAndBumpsGenerationOnASpecChange) {
  auto pod = *store_.Create(NamedPod("web-0"));
  pod.mutable_status()->set_phase("Running");
  pod = *store_.UpdateStatus(pod);
  EXPECT_EQ(pod.metadata().generation(), 1);
  pod.mutable_status()->set_phase("Failed");  // ignored by Update
  pod.mutable_spec()->mutable_containers(0)->set_image("nginx:2");
  pod = *store_.Update(pod);
  EXPECT_EQ(pod.status().phase(), "Running");
  EXPECT_EQ(pod.metadata().generation(), 2);
  EXPECT_THAT(Strings(store_.TakeActions()),
              ElementsAre("create pods default/web-0", "update pods/status default/web-0",
                          "update pods default/web-0"));
}

TEST_F(FakeObjectStoreTest, DeleteHonoursTheUidPreconditionAndPodGrace) {
  auto pod = *store_.Create(NamedPod("web-0"));
  EXPECT_EQ(store_.Delete<core::v1::Pod>("default", "web-0", {.uid = "uid-other"}).code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(store_.Delete<core::v1::Pod>("default", "web-0", {.uid = pod.metadata().uid()}).ok());
  auto marked = store_.Find<core::v1::Pod>("default", "web-0");
  ASSERT_NE(marked, nullptr);
  EXPECT_TRUE(marked->metadata().has_deletion_timestamp());
  ASSERT_TRUE(store_.Delete<core::v1::Pod>("default", "web-0", {.grace_period_seconds = 0}).ok());
  EXPECT_EQ(store_.Find<core::v1::Pod>("default", "web-0"), nullptr);
  EXPECT_EQ(store_.Delete<core::v1::Pod>("default", "web-0").code(), absl::StatusCode::kNotFound);
}

TEST_F(FakeObjectStoreTest, AnObjectWithFinalizersGoesWhenTheLastIsRemoved) {
  apps::v1::StatefulSet set;
  set.mutable_metadata()->set_name("web");
  set = store_.Put(set);
  ASSERT_TRUE(
      store_.Delete<apps::v1::StatefulSet>("default", "web", {.propagation_policy = "Orphan"})
          .ok());
  auto marked = *store_.Get<apps::v1::StatefulSet>("default", "web");
  EXPECT_TRUE(marked.metadata().has_deletion_timestamp());
  EXPECT_THAT(marked.metadata().finalizers(), ElementsAre("orphan"));
  marked.mutable_metadata()->clear_finalizers();
  ASSERT_TRUE(store_.Update(marked).ok());
  EXPECT_EQ(store_.Find<apps::v1::StatefulSet>("default", "web"), nullptr);
}

TEST_F(FakeObjectStoreTest, PutIsUnloggedAndClusterScopedKindsHaveNoNamespace) {
  core::v1::Node node;
  node.mutable_metadata()->set_name("node-1");
  node = store_.Put(node);
  EXPECT_EQ(node.metadata().namespace_(), "");
  EXPECT_NE(store_.Lister<core::v1::Node>().Get("", "node-1"), nullptr);
  EXPECT_TRUE(store_.TakeActions().empty());
}

TEST_F(FakeObjectStoreTest, VisitKindFindsAKindByItsPlural) {
  std::string kind;
  EXPECT_TRUE(FakeObjectStore::VisitKind("statefulsets",
                                         [&]<typename T>() { kind = api::KindTraits<T>::kKind; }));
  EXPECT_EQ(kind, "StatefulSet");
  EXPECT_FALSE(FakeObjectStore::VisitKind("widgets", []<typename T>() {}));
}

}  // namespace
}  // namespace ordo::testing
