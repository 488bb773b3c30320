// The node lifecycle controller and taint eviction on a fake clock: the grace
// period, conditions and taints, the eviction rate limit, recovery, and pods
// deleted when (and only when) their tolerations run out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "common/clock/fake_clock.h"
#include "common/clock/timestamp.h"
#include "common/events/fake_event_recorder.h"
#include "common/testing/fake_object_store.h"
#include "services/controller-manager/nodelifecycle/node_lifecycle_controller.h"
#include "services/controller-manager/nodelifecycle/pod_gc.h"
#include "services/controller-manager/nodelifecycle/taint_eviction.h"

namespace ordo::nodelifecycle {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The api-server for all three, over one FakeObjectStore: writes land in
// the caches at once, stale resourceVersions conflict.
class FakeCluster final : public NodeWriter, public PodEvictor, public PodGcWriter {
 public:
  explicit FakeCluster(Clock& clock)
      : store(clock),
        nodes(store.Cache<core::v1::Node>()),
        leases(store.Cache<coordination::v1::Lease>()),
        pods(store.Cache<core::v1::Pod>()),
        volumes(store.Cache<core::v1::PersistentVolume>()) {
    pods.AddIndex(informer::kNodeNameIndex, informer::NodeNameIndexFunc<core::v1::Pod>);
  }
  testing::FakeObjectStore store;
  informer::Indexer<core::v1::Node>& nodes;
  informer::Indexer<coordination::v1::Lease>& leases;
  informer::Indexer<core::v1::Pod>& pods;
  informer::Indexer<core::v1::PersistentVolume>& volumes;
  std::vector<std::string> deleted;
  std::vector<std::string> force_deleted;

  absl::Status ForceDeletePod(const std::string& ns, const std::string& name,
                              const std::string& uid) override {
    force_deleted.push_back(name);
    return store.Delete<core::v1::Pod>(ns, name, {.uid = uid, .grace_period_seconds = 0});
  }
  absl::Status UpdateVolume(const core::v1::PersistentVolume& v) override {
    return store.Update(v).status();
  }
  absl::Status UpdateNode(const core::v1::Node& n) override { return store.Update(n).status(); }
  absl::Status UpdateNodeStatus(const core::v1::Node& n) override {
    return store.UpdateStatus(n).status();
  }
  absl::Status UpdatePodStatus(const core::v1::Pod& p) override {
    return store.UpdateStatus(p).status();
  }
  absl::Status DeletePod(const std::string& ns, const std::string& name,
                         const std::string& uid) override {
    deleted.push_back(name);
    return store.Delete<core::v1::Pod>(ns, name, {.uid = uid});
  }

  void AddNode(const std::string& name, absl::Time renewed) {
    core::v1::Node n;
    n.mutable_metadata()->set_name(name);
    auto* c = n.mutable_status()->add_conditions();
    c->set_type("Ready");
    c->set_status("True");
    store.Put(n);
    Renew(name, renewed);
  }
  void Renew(const std::string& name, absl::Time at) {
    coordination::v1::Lease l;
    l.mutable_metadata()->set_name(name);
    l.mutable_metadata()->set_namespace_("kube-node-lease");
    SetMicroTimestamp(l.mutable_spec()->mutable_renew_time(), at);
    store.Put(l);
  }
  void SetReady(const std::string& name, const std::string& status) {
    core::v1::Node n = *nodes.Get(name);
    n.mutable_status()->mutable_conditions(0)->set_status(status);
    store.Put(n);
  }
  void AddPod(const std::string& name, const std::string& node, std::optional<int64_t> tolerate) {
    core::v1::Pod p;
    p.mutable_metadata()->set_name(name);
    p.mutable_metadata()->set_namespace_("default");
    p.mutable_spec()->set_node_name(node);
    if (tolerate.has_value()) {
      auto* t = p.mutable_spec()->add_tolerations();
      t->set_key(kUnreachableTaint);
      t->set_operator_("Exists");
      t->set_effect("NoExecute");
      if (*tolerate >= 0) t->set_toleration_seconds(*tolerate);
    }
    auto* c = p.mutable_status()->add_conditions();
    c->set_type("Ready");
    c->set_status("True");
    store.Put(p);
  }
  std::string Ready(const std::string& node) {
    return nodes.Get(node)->status().conditions(0).status();
  }
  std::vector<std::string> Taints(const std::string& node) {
    std::vector<std::string> out;
    for (const auto& t : nodes.Get(node)->spec().taints())
      out.push_back(t.key() + ":" + t.effect());
    return out;
  }
};

class NodeLifecycleTest : public ::testing::Test {
 protected:
  NodeLifecycleTest()
      : lifecycle_(informer::Lister(cluster_.nodes), informer::Lister(cluster_.leases),
                   informer::Lister(cluster_.pods), cluster_, clock_,
                   {.grace_period = absl::Seconds(50),
                    .monitor_period = absl::Seconds(5),
                    .eviction_rate = 0.1,
                    .events = &events_}),
        eviction_(informer::Lister(cluster_.nodes), informer::Lister(cluster_.pods), cluster_,
                  clock_, &events_) {}

  FakeClock clock_;
  FakeCluster cluster_{clock_};
  testing::FakeEventRecorder events_;
  NodeLifecycleController lifecycle_;
  TaintEviction eviction_;
};

TEST_F(NodeLifecycleTest, SilentNodeGoesUnknownAfterTheGracePeriodAndIsTainted) {
  cluster_.AddNode("node-1", clock_.Now());
  cluster_.AddPod("web-1", "node-1", 300);
  ASSERT_TRUE(lifecycle_.Monitor().ok());
  clock_.Advance(absl::Seconds(50));
  ASSERT_TRUE(lifecycle_.Monitor().ok());
  EXPECT_EQ(cluster_.Ready("node-1"), "True");  // exactly the grace: not yet
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(lifecycle_.Monitor().ok());
  EXPECT_EQ(cluster_.Ready("node-1"), "Unknown");
  EXPECT_EQ(cluster_.nodes.Get("node-1")->status().conditions(0).message(),
            "Kubelet stopped posting node status.");
  EXPECT_EQ(cluster_.pods.Get("default/web-1")->status().conditions(0).status(), "False");
  EXPECT_THAT(events_.Take(), ElementsAre("Normal NodeNotReady Node node-1 status is now: "
                                          "NodeNotReady"));
  ASSERT_TRUE(lifecycle_.Monitor().ok());  // taints: from a fresh copy of the node, one pass later
  EXPECT_THAT(cluster_.Taints("node-1"), ElementsAre("node.kubernetes.io/unreachable:NoSchedule",
                                                     "node.kubernetes.io/unreachable:NoExecute"));
}

TEST_F(NodeLifecycleTest, RenewalsKeepANodeAndRecoveryLiftsTheTaints) {
  cluster_.AddNode("node-1", clock_.Now());
  for (int i = 0; i < 20; ++i) {
    clock_.Advance(absl::Seconds(10));
    cluster_.Renew("node-1", clock_.Now());
    ASSERT_TRUE(lifecycle_.Monitor().ok());
  }
  EXPECT_EQ(cluster_.Ready("node-1"), "True");
  clock_.Advance(absl::Seconds(60));
  ASSERT_TRUE(lifecycle_.Monitor().ok());
  EXPECT_EQ(cluster_.Ready("node-1"), "Unknown");
  // The agent comes back: renews and posts Ready; the taints go.
  cluster_.Renew("node-1", clock_.Now());
  cluster_.SetReady("node-1", "True");
  ASSERT_TRUE(lifecycle_.Monitor().ok());
  EXPECT_THAT(cluster_.Taints("node-1"), IsEmpty());
}

TEST_F(NodeLifecycleTest, AnAgentReportingNotReadyGetsTheNotReadyTaint) {
  cluster_.AddNode("node-1", clock_.Now());
  cluster_.SetReady("node-1", "False");
  ASSERT_TRUE(lifecycle_.Monitor().ok());
  EXPECT_THAT(cluster_.Taints("node-1"), ElementsAre("node.kubernetes.io/not-ready:NoSchedule",
                                                     "node.kubernetes.io/not-ready:NoExecute"));
}

TEST_F(NodeLifecycleTest, NoExecuteTaintsAreRateLimited) {
  for (const char* n : {"node-1", "node-2", "node-3"}) cluster_.AddNode(n, clock_.Now());
  ASSERT_TRUE(lifecycle_.Monitor().ok());
  clock_.Advance(absl::Seconds(51));
  ASSERT_TRUE(lifecycle_.Monitor().ok());
  ASSERT_TRUE(lifecycle_.Monitor().ok());
  int no_execute = 0;
  for (const char* n : {"node-1", "node-2", "node-3"}) {
    for (const auto& t : cluster_.Taints(n)) no_execute += t.ends_with("NoExecute");
  }
  EXPECT_EQ(no_execute, 1);  // 0.1 per second: one now
  clock_.Advance(absl::Seconds(10));
  ASSERT_TRUE(lifecycle_.Monitor().ok());
  no_execute = 0;
  for (const char* n : {"node-1", "node-2", "node-3"}) {
    for (const auto& t : cluster_.Taints(n)) no_execute += t.ends_with("NoExecute");
  }
  EXPECT_EQ(no_execute, 2);  // and one more ten seconds later
}

TEST_F(NodeLifecycleTest, TaintEvictionHonoursTolerationSeconds) {
  cluster_.AddNode("node-1", clock_.Now());
  cluster_.AddPod("untolerating", "node-1", std::nullopt);
  cluster_.AddPod("five-minutes", "node-1", 300);
  cluster_.AddPod("forever", "node-1", -1);
  ASSERT_TRUE(lifecycle_.Monitor().ok());
  clock_.Advance(absl::Seconds(51));
  ASSERT_TRUE(lifecycle_.Monitor().ok());
  ASSERT_TRUE(lifecycle_.Monitor().ok());  // tainted NoExecute now
  events_.Take();
  absl::Duration next = eviction_.Pass();
  EXPECT_THAT(cluster_.deleted, ElementsAre("untolerating"));
  EXPECT_THAT(events_.Take(), ElementsAre("Normal TaintManagerEviction Marking for deletion Pod "
                                          "default/untolerating"));
  EXPECT_EQ(next, absl::Seconds(300));
  clock_.Advance(absl::Seconds(299));
  eviction_.Pass();
  EXPECT_EQ(cluster_.deleted.size(), 1u);
  clock_.Advance(absl::Seconds(1));
  eviction_.Pass();
  EXPECT_THAT(cluster_.deleted, ElementsAre("untolerating", "five-minutes"));
  EXPECT_EQ(cluster_.pods.Get("default/five-minutes")->status().conditions(1).type(),
            "DisruptionTarget");
}

TEST_F(NodeLifecycleTest, PodGcForceDeletesPodsOfAVanishedNodeAfterTheQuarantine) {
  PodGC gc(informer::Lister(cluster_.nodes), informer::Lister(cluster_.pods),
           informer::Lister(cluster_.volumes), cluster_, clock_, {.quarantine = absl::Seconds(40)});
  cluster_.AddNode("node-1", clock_.Now());
  cluster_.AddPod("web-1", "node-1", 300);
  ASSERT_TRUE(gc.Pass().ok());
  cluster_.nodes.Remove("node-1");  // the admin deleted the Node
  ASSERT_TRUE(gc.Pass().ok());
  clock_.Advance(absl::Seconds(39));
  ASSERT_TRUE(gc.Pass().ok());
  EXPECT_THAT(cluster_.force_deleted, IsEmpty());
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(gc.Pass().ok());
  EXPECT_THAT(cluster_.force_deleted, ElementsAre("web-1"));
}

TEST_F(NodeLifecycleTest, OutOfServiceReleasesTerminatingPodsAndTheirVolumes) {
  PodGC gc(informer::Lister(cluster_.nodes), informer::Lister(cluster_.pods),
           informer::Lister(cluster_.volumes), cluster_, clock_);
  cluster_.AddNode("node-2", clock_.Now());
  cluster_.AddPod("web-1", "node-2", 300);
  cluster_.AddPod("web-2", "node-2", 300);
  core::v1::PersistentVolume pv;
  pv.mutable_metadata()->set_name("pv-1");
  (*pv.mutable_metadata()->mutable_annotations())[kAttachedNodeAnnotation] = "node-2";
  cluster_.store.Put(pv);
  ASSERT_TRUE(cluster_.DeletePod("default", "web-1", "").ok());  // terminating, never confirmed
  // Out of service, but the node still says Ready: nothing yet.
  core::v1::Node node = *cluster_.nodes.Get("node-2");
  auto* taint = node.mutable_spec()->add_taints();
  taint->set_key(kOutOfServiceTaint);
  taint->set_effect("NoExecute");
  cluster_.store.Put(node);
  ASSERT_TRUE(gc.Pass().ok());
  EXPECT_THAT(cluster_.force_deleted, IsEmpty());
  cluster_.SetReady("node-2", "Unknown");
  ASSERT_TRUE(gc.Pass().ok());
  EXPECT_THAT(cluster_.force_deleted, ElementsAre("web-1"));  // web-2 is not terminating
  EXPECT_EQ(cluster_.volumes.Get("pv-1")->metadata().annotations().count(kAttachedNodeAnnotation),
            0u);
}

// A shared volume for claim default/data-web-1, attached to `node`.
core::v1::PersistentVolume AttachedVolume(const std::string& node) {
  core::v1::PersistentVolume pv;
  pv.mutable_metadata()->set_name("pv-web-1");
  (*pv.mutable_metadata()->mutable_annotations())[kAttachedNodeAnnotation] = node;
  pv.mutable_spec()->mutable_claim_ref()->set_namespace_("default");
  pv.mutable_spec()->mutable_claim_ref()->set_name("data-web-1");
  return pv;
}

TEST_F(NodeLifecycleTest, AVolumeNoPodUsesLeavesAnUnreadyNodeAfterTheForceDetachTimeout) {
  PodGC gc(informer::Lister(cluster_.nodes), informer::Lister(cluster_.pods),
           informer::Lister(cluster_.volumes), cluster_, clock_,
           {.force_detach_after = absl::Minutes(6)});
  cluster_.AddNode("node-2", clock_.Now());
  cluster_.AddPod("web-1", "node-2", 300);
  core::v1::Pod web1 = *cluster_.pods.Get("default/web-1");
  auto* claim = web1.mutable_spec()->add_volumes();
  claim->set_name("data");
  claim->mutable_persistent_volume_claim()->set_claim_name("data-web-1");
  cluster_.store.Put(web1);
  cluster_.store.Put(AttachedVolume("node-2"));
  auto attached = [&] {
    return cluster_.volumes.Get("pv-web-1")
               ->metadata()
               .annotations()
               .count(kAttachedNodeAnnotation) == 1;
  };
  // The node goes silent; its pod still holds the volume, however long.
  cluster_.SetReady("node-2", "Unknown");
  ASSERT_TRUE(gc.Pass().ok());
  clock_.Advance(absl::Minutes(10));
  ASSERT_TRUE(gc.Pass().ok());
  EXPECT_TRUE(attached());
  // Force-deleted: six minutes from the first pass that saw it unused.
  cluster_.pods.Remove("default/web-1");
  ASSERT_TRUE(gc.Pass().ok());
  clock_.Advance(absl::Minutes(6) - absl::Seconds(1));
  ASSERT_TRUE(gc.Pass().ok());
  EXPECT_TRUE(attached());
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(gc.Pass().ok());
  EXPECT_FALSE(attached());
}

TEST_F(NodeLifecycleTest, AReadyNodesAgentDetachesItsOwnVolumes) {
  PodGC gc(informer::Lister(cluster_.nodes), informer::Lister(cluster_.pods),
           informer::Lister(cluster_.volumes), cluster_, clock_,
           {.force_detach_after = absl::Seconds(1)});
  cluster_.AddNode("node-2", clock_.Now());
  cluster_.store.Put(AttachedVolume("node-2"));
  ASSERT_TRUE(gc.Pass().ok());
  clock_.Advance(absl::Minutes(10));
  ASSERT_TRUE(gc.Pass().ok());
  EXPECT_EQ(
      cluster_.volumes.Get("pv-web-1")->metadata().annotations().count(kAttachedNodeAnnotation),
      1u);
}

TEST_F(NodeLifecycleTest, AVolumeOfADeletedNodeIsDetachedOnceItsPodsAreGone) {
  PodGC gc(informer::Lister(cluster_.nodes), informer::Lister(cluster_.pods),
           informer::Lister(cluster_.volumes), cluster_, clock_,
           {.force_detach_after = absl::ZeroDuration()});
  cluster_.store.Put(AttachedVolume("node-gone"));
  ASSERT_TRUE(gc.Pass().ok());
  EXPECT_EQ(
      cluster_.volumes.Get("pv-web-1")->metadata().annotations().count(kAttachedNodeAnnotation),
      0u);
}

class FakeOracle final : public DeathOracle {
 public:
  bool KnownDead(const std::string& node) override { return dead.contains(node); }
  std::set<std::string> dead;
};

TEST_F(NodeLifecycleTest, TheFenceNeedsProofOfDeathAndLiftsOnReturn) {
  FakeOracle oracle;
  NodeLifecycleController fenced(informer::Lister(cluster_.nodes),
                                 informer::Lister(cluster_.leases), informer::Lister(cluster_.pods),
                                 cluster_, clock_,
                                 {.grace_period = absl::Seconds(50),
                                  .eviction_rate = 100,
                                  .fence_after = absl::Seconds(30),
                                  .oracle = &oracle});
  cluster_.AddNode("node-1", clock_.Now());
  ASSERT_TRUE(fenced.Monitor().ok());
  clock_.Advance(absl::Seconds(81));
  ASSERT_TRUE(fenced.Monitor().ok());
  ASSERT_TRUE(fenced.Monitor().ok());
  auto has_fence = [&] {
    for (const auto& t : cluster_.Taints("node-1")) {
      if (t == std::string(kOutOfServiceTaint) + ":NoExecute") return true;
    }
    return false;
  };
  EXPECT_FALSE(has_fence());  // silent long enough, but not proven dead
  oracle.dead.insert("node-1");
  ASSERT_TRUE(fenced.Monitor().ok());
  EXPECT_TRUE(has_fence());
  // The node comes back (a new agent): the fence goes with the other taints.
  cluster_.Renew("node-1", clock_.Now());
  cluster_.SetReady("node-1", "True");
  ASSERT_TRUE(fenced.Monitor().ok());
  EXPECT_FALSE(has_fence());
}

}  // namespace
}  // namespace ordo::nodelifecycle
