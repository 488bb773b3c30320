// The namespace controller's decisions over a scripted api-server: which
// namespaces it empties, that it waits while objects remain, and that it
// lets the namespace go only once nothing is left.
#include "services/controller-manager/namespace/namespace_controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "common/clock/fake_clock.h"

namespace ordo::namespaces {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Each namespace holds `objects[ns]` objects; a DeleteAll call asks for their
// deletion and they go after `deletions_to_empty` calls.
class ScriptedContent final : public NamespaceContent {
 public:
  absl::StatusOr<int> DeleteAll(const std::string& ns) override {
    delete_calls.push_back(ns);
    int& left = objects[ns];
    if (left > 0 && ++calls_[ns] > deletions_to_empty) left = 0;
    return left;
  }
  absl::Status Finalize(const core::v1::Namespace& ns) override {
    finalized.push_back(ns.metadata().name());
    return absl::OkStatus();
  }

  std::map<std::string, int> objects;
  int deletions_to_empty = 1;
  std::vector<std::string> delete_calls, finalized;

 private:
  std::map<std::string, int> calls_;
};

class NamespaceControllerTest : public ::testing::Test {
 protected:
  void AddNamespace(const std::string& name, bool deleting, bool finalizer = true) {
    core::v1::Namespace ns;
    ns.mutable_metadata()->set_name(name);
    if (deleting) ns.mutable_metadata()->mutable_deletion_timestamp()->set_seconds(1);
    if (finalizer) ns.mutable_metadata()->add_finalizers(kNamespaceFinalizer);
    namespaces_.Upsert(std::make_shared<const core::v1::Namespace>(ns));
  }
  // Syncs every key the queue hands out now.
  void Drain() {
    std::string key;
    while (controller_.queue().TryGet(&key)) {
      EXPECT_TRUE(controller_.Sync(key).ok());
      controller_.queue().Done(key);
    }
  }

  FakeClock clock_;
  informer::Indexer<core::v1::Namespace> namespaces_;
  ScriptedContent content_;
  NamespaceController controller_{informer::Lister<core::v1::Namespace>(namespaces_), content_,
                                  clock_, absl::Seconds(2)};
};

TEST_F(NamespaceControllerTest, ATerminatingNamespaceIsEmptiedThenLetGo) {
  AddNamespace("team", /*deleting=*/true);
  content_.objects["team"] = 3;
  ASSERT_TRUE(controller_.Sync("team").ok());
  EXPECT_THAT(content_.delete_calls, ElementsAre("team"));
  EXPECT_THAT(content_.finalized, IsEmpty()) << "three objects are still there";
  clock_.Advance(absl::Seconds(2));  // it looks again
  Drain();
  EXPECT_THAT(content_.delete_calls, ElementsAre("team", "team"));
  EXPECT_THAT(content_.finalized, ElementsAre("team"));
}

TEST_F(NamespaceControllerTest, LeavesActiveAndAlreadyFinalizedNamespacesAlone) {
  AddNamespace("live", /*deleting=*/false);
  AddNamespace("done", /*deleting=*/true, /*finalizer=*/false);
  ASSERT_TRUE(controller_.Sync("live").ok());
  ASSERT_TRUE(controller_.Sync("done").ok());
  ASSERT_TRUE(controller_.Sync("gone").ok());
  EXPECT_THAT(content_.delete_calls, IsEmpty());
  EXPECT_THAT(content_.finalized, IsEmpty());
}

TEST_F(NamespaceControllerTest, APodGoneFromATerminatingNamespaceWakesIt) {
  AddNamespace("team", /*deleting=*/true);
  AddNamespace("live", /*deleting=*/false);
  auto pod_in = [](const std::string& ns) {
    auto pod = std::make_shared<core::v1::Pod>();
    pod->mutable_metadata()->set_namespace_(ns);
    pod->mutable_metadata()->set_name("p");
    return informer::ObjectPtr<core::v1::Pod>(pod);
  };
  auto handler = controller_.PodHandler();
  handler.on_delete(pod_in("live"));
  EXPECT_EQ(controller_.queue().Len(), 0);
  handler.on_delete(pod_in("team"));
  EXPECT_EQ(controller_.queue().Len(), 1);
}

}  // namespace
}  // namespace ordo::namespaces
