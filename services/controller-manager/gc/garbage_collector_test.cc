// The garbage collector one sync at a time on a fake api-server: background,
// foreground and orphan cascades, owners the graph has not seen yet, and
// objects with several owners.
#include "services/controller-manager/gc/garbage_collector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock/fake_clock.h"
#include "services/controller-manager/gc/fake_gc_client.h"

namespace ordo::gc {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class GarbageCollectorTest : public ::testing::Test {
 protected:
  GarbageCollectorTest() : client_(graph_, clock_), collector_(graph_, client_, clock_) {
    client_.set_collector(&collector_);
  }

  static ObjectNode Object(const std::string& kind, const std::string& name,
                           const std::string& uid) {
    ObjectNode node;
    node.info = &api::ResourceFor(kind);
    node.ns = "default";
    node.name = name;
    node.uid = uid;
    return node;
  }

  static ObjectNode OwnedBy(ObjectNode node, const ObjectNode& owner, bool controller = true) {
    meta::v1::OwnerReference ref;
    ref.set_api_version(owner.info->ApiVersion());
    ref.set_kind(owner.info->kind);
    ref.set_name(owner.name);
    ref.set_uid(owner.uid);
    ref.set_controller(controller);
    ref.set_block_owner_deletion(true);
    node.owners.push_back(ref);
    return node;
  }

  // Syncs queued uids until the queue is empty; returns the writes made.
  std::vector<std::string> Drain() {
    for (int i = 0; i < 1000; ++i) {
      std::string uid;
      if (!collector_.queue().TryGet(&uid)) break;
      absl::Status s = collector_.Sync(uid);
      EXPECT_TRUE(s.ok()) << s;
      collector_.queue().Done(uid);
    }
    return client_.TakeActions();
  }

  // A StatefulSet with two pods and a revision, and a claim it does not own.
  void PutWeb() {
    client_.Put(set_);
    client_.Put(OwnedBy(Object("Pod", "web-0", "p0"), set_));
    client_.Put(OwnedBy(Object("Pod", "web-1", "p1"), set_));
    client_.Put(OwnedBy(Object("ControllerRevision", "web-abc", "r1"), set_));
    client_.Put(Object("PersistentVolumeClaim", "www-web-0", "c0"));
    EXPECT_THAT(Drain(), IsEmpty());  // everything has its owner
  }

  FakeClock clock_;
  ObjectGraph graph_;
  testing::FakeGcClient client_;
  GarbageCollector collector_;
  ObjectNode set_ = Object("StatefulSet", "web", "s1");
};

TEST_F(GarbageCollectorTest, BackgroundDeletionRemovesEveryDependent) {
  PutWeb();
  client_.UserDelete("s1", "Background");
  EXPECT_THAT(Drain(),
              UnorderedElementsAre("delete pods default/web-0 Background",
                                   "delete pods default/web-1 Background",
                                   "delete controllerrevisions default/web-abc Background"));
  EXPECT_FALSE(client_.Exists("p0"));
  EXPECT_FALSE(client_.Exists("r1"));
  EXPECT_TRUE(client_.Exists("c0"));  // claims stay unless their policy owns them
}

TEST_F(GarbageCollectorTest, ForegroundDeletionRemovesTheOwnerLast) {
  PutWeb();
  client_.UserDelete("s1", "Foreground");
  EXPECT_TRUE(client_.Exists("s1"));
  auto actions = Drain();
  ASSERT_EQ(actions.size(), 4u);
  EXPECT_EQ(actions.back(), "remove finalizer foregroundDeletion statefulsets default/web");
  EXPECT_FALSE(client_.Exists("s1"));
  EXPECT_FALSE(client_.Exists("p0"));
  EXPECT_FALSE(client_.Exists("p1"));
}

TEST_F(GarbageCollectorTest, OrphanDeletionKeepsDependentsWithoutTheReference) {
  PutWeb();
  client_.UserDelete("s1", "Orphan");
  auto actions = Drain();
  EXPECT_EQ(actions.back(), "remove finalizer orphan statefulsets default/web");
  EXPECT_FALSE(client_.Exists("s1"));
  ASSERT_TRUE(client_.Exists("p0"));
  EXPECT_THAT(client_.Object("p0").owners, IsEmpty());
  EXPECT_THAT(client_.Object("r1").owners, IsEmpty());
}

TEST_F(GarbageCollectorTest, AnOwnerTheGraphHasNotSeenIsAskedFor) {
  client_.Put(set_, /*visible=*/false);  // created first, but its watch is behind
  client_.Put(OwnedBy(Object("Pod", "web-0", "p0"), set_));
  EXPECT_THAT(Drain(), IsEmpty());
  EXPECT_TRUE(client_.Exists("p0"));
}

TEST_F(GarbageCollectorTest, AnOwnerReplacedUnderTheSameNameIsGone) {
  ObjectNode old_set = Object("StatefulSet", "web", "old-uid");
  client_.Put(Object("StatefulSet", "web", "new-uid"));
  client_.Put(OwnedBy(Object("Pod", "web-0", "p0"), old_set));
  EXPECT_THAT(Drain(), ElementsAre("delete pods default/web-0 Background"));
}

TEST_F(GarbageCollectorTest, OnlyTheMissingOwnersAreDropped) {
  client_.Put(set_);
  ObjectNode gone_pod = Object("Pod", "web-0", "p-gone");
  client_.Put(OwnedBy(OwnedBy(Object("PersistentVolumeClaim", "www-web-0", "c0"), set_, false),
                      gone_pod, false));
  EXPECT_THAT(Drain(), ElementsAre("remove owners persistentvolumeclaims default/www-web-0"));
  ASSERT_EQ(client_.Object("c0").owners.size(), 1u);
  EXPECT_EQ(client_.Object("c0").owners[0].uid(), "s1");
}

TEST_F(GarbageCollectorTest, ACascadeGoesThroughGenerations) {
  // set -> pod -> claim (whenScaled Delete): deleting the set removes all three.
  client_.Put(set_);
  ObjectNode pod = OwnedBy(Object("Pod", "web-0", "p0"), set_);
  client_.Put(pod);
  client_.Put(OwnedBy(Object("PersistentVolumeClaim", "www-web-0", "c0"), pod));
  Drain();
  client_.UserDelete("s1", "Foreground");
  auto actions = Drain();
  EXPECT_EQ(actions.front(), "delete pods default/web-0 Foreground");  // it has its own
  EXPECT_FALSE(client_.Exists("c0"));
  EXPECT_FALSE(client_.Exists("p0"));
  EXPECT_FALSE(client_.Exists("s1"));
}

}  // namespace
}  // namespace ordo::gc
