// Node failure and voluntary disruption on a real 3-node cluster of
// processes (reference §3). A frozen agent (SIGSTOP) or a killed one
// (SIGKILL, its containers left running) stands for a node that stopped
// answering; a power-off (the agent and every container SIGKILLed) for a
// node that is dead. The node goes Unknown and is tainted, its StatefulSet
// pod turns NotReady and is not replaced, and all of it heals when the agent
// returns; the ways out (force delete, deleting the Node, the out-of-service
// taint by hand or by the opt-in fence) move the pod with its data, and a
// node powered on again never runs the old pod. The fixture's
// IdentityChecker fails any test in which two web-Ns ran at once. A drain
// under a PodDisruptionBudget evicts one pod at a time, never leaving fewer
// Ready pods than the budget asks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "integration-tests/harness/cluster_fixture.h"

namespace ordo::itest {
namespace {

constexpr char kWeb[] = R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  selector: {matchLabels: {app: nginx}}
  serviceName: nginx
  replicas: 3
  template:
    metadata: {labels: {app: nginx}}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: nginx
        image: ordo-podapp
        args: ["--port", "80"]
        readinessProbe:
          httpGet: {path: /readyz, port: 80}
          periodSeconds: 1
)";

// kWeb with a shared-class volume per pod at /data: it can follow its pod to
// another node (one node at a time: ReadWriteOnce).
std::string WebWithData() {
  return absl::StrCat(
      absl::StrReplaceAll(kWeb, {{R"(args: ["--port", "80"])",
                                  R"(args: ["--port", "80", "--data-dir", "/data"])"}}),
      R"(        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: shared
      resources: {requests: {storage: 1Gi}}
)");
}

class NodeFailureTest : public ClusterFixture {
 protected:
  // Kubernetes' timings scaled down: a node is Unknown after 4 s of silence,
  // and a volume no pod uses leaves a node that is not Ready after 3 s.
  NodeFailureTest() {
    extra_up_args_ = {"--node-monitor-grace-period", "4s", "--force-detach-timeout", "3s"};
  }

  // The identity checker saw the set's three containers: it was looking.
  void TearDown() override {
    ClusterFixture::TearDown();
    EXPECT_GE(identity_checker_->most_pods_seen(), 3);
  }

  std::string NodeReady(const std::string& node) {
    auto n = nodes_->Get("", node);
    return n.ok() ? api::NodeReadyStatus(*n) : "";
  }

  bool Tainted(const std::string& node, const std::string& key) {
    auto n = nodes_->Get("", node);
    if (!n.ok()) return false;
    for (const auto& t : n->spec().taints()) {
      if (t.key() == key) return true;
    }
    return false;
  }

  // Writes web-1's hostname into its volume; returns web-1 as it is now.
  core::v1::Pod WriteWeb1Data() {
    CommandResult wrote =
        Ordoctl({"exec", "web-1", "--", "sh", "-c", "hostname > /data/index.html"});
    EXPECT_EQ(wrote.exit_code, 0) << wrote.err;
    return *GetPod("web-1");
  }

  void ExpectWeb1Data() {
    CommandResult data = Ordoctl({"exec", "web-1", "--", "cat", "/data/index.html"});
    EXPECT_EQ(data.out, "web-1\n") << data.err;
  }

  // The node web-1's volume is attached to ("" when none).
  std::string Web1VolumeAttachedTo() {
    api::ResourceClient<core::v1::PersistentVolume> volumes(channel_, SystemClock());
    auto all = volumes.List({});
    if (!all.ok()) return "";
    for (const auto& pv : all->items()) {
      if (pv.spec().claim_ref().name() != "data-web-1") continue;
      auto it = pv.metadata().annotations().find(api::kAttachedNodeAnnotation);
      return it == pv.metadata().annotations().end() ? "" : it->second;
    }
    return "";
  }

  // web-1 stays the pod `web1` for all of `window`: nothing replaces it.
  bool Web1StaysFor(const core::v1::Pod& web1, absl::Duration window) {
    return !WaitFor(
        [&] {
          auto pod = GetPod("web-1");
          return !pod.has_value() || pod->metadata().uid() != web1.metadata().uid();
        },
        window);
  }

  // web-1 is a new pod (not `old`), Ready on another node.
  bool Web1MovedFrom(const core::v1::Pod& old) {
    auto pod = GetPod("web-1");
    return pod.has_value() && pod->metadata().uid() != old.metadata().uid() &&
           pod->spec().node_name() != old.spec().node_name() && Ready(*pod);
  }

  // For `window`, no container of web-1 but the current pod's runs anywhere:
  // a node back from the dead does not start the pod it was told to forget.
  bool OnlyTheNewWeb1RunsFor(absl::Duration window) {
    std::string uid = GetPod("web-1")->metadata().uid();
    return !WaitFor(
        [&] {
          RunningPods running = ScanRunningPods(dir_.path());
          auto it = running.find("default/web-1");
          return it != running.end() && it->second != std::set<std::string>{uid};
        },
        window);
  }
};

TEST_F(NodeFailureTest, AFrozenNodeGoesUnknownAndItsPodIsNotReplaced) {
  Apply(WebWithData());
  ASSERT_TRUE(WaitAllReady());
  auto web1 = WriteWeb1Data();
  std::string node = web1.spec().node_name();
  pid_t agent = AgentPid(node);
  ASSERT_GT(agent, 0);
  ASSERT_EQ(kill(agent, SIGSTOP), 0);
  absl::Cleanup resume = [agent] { kill(agent, SIGCONT); };
  // Grace (4 s) + one heartbeat + one monitor period (5 s), with room.
  ASSERT_TRUE(WaitFor([&] { return NodeReady(node) == "Unknown"; }, absl::Seconds(15)));
  EXPECT_TRUE(WaitFor([&] { return !Ready(*GetPod("web-1")); }, absl::Seconds(10)));
  // The taints follow one monitor period (5 s) later.
  EXPECT_TRUE(
      WaitFor([&] { return Tainted(node, "node.kubernetes.io/unreachable"); }, absl::Seconds(10)));
  EXPECT_TRUE(Web1StaysFor(web1, absl::Seconds(5)));
  EXPECT_EQ(Web1VolumeAttachedTo(), node);  // a second writer could not attach it either
  ASSERT_EQ(kill(agent, SIGCONT), 0);
  EXPECT_TRUE(WaitFor([&] { return NodeReady(node) == "True"; }, absl::Seconds(15)));
  EXPECT_TRUE(WaitFor([&] { return Ready(*GetPod("web-1")); }, absl::Seconds(15)))
      << GetPod("web-1")->status().DebugString();
  EXPECT_EQ(GetPod("web-1")->metadata().uid(), web1.metadata().uid());
  EXPECT_TRUE(
      WaitFor([&] { return !Tainted(node, "node.kubernetes.io/unreachable"); }, absl::Seconds(10)));
  ExpectWeb1Data();
}

// A pod deleted while its node is silent stays Terminating (no one can
// confirm it stopped) and is not replaced; the node back finishes the
// deletion, and only then does the set create web-1 again, with its data.
TEST_F(NodeFailureTest, AReturningNodeFinishesADeletionItMissed) {
  Apply(WebWithData());
  ASSERT_TRUE(WaitAllReady());
  auto web1 = WriteWeb1Data();
  std::string node = web1.spec().node_name();
  pid_t agent = AgentPid(node);
  ASSERT_GT(agent, 0);
  ASSERT_EQ(kill(agent, SIGSTOP), 0);
  absl::Cleanup resume = [agent] { kill(agent, SIGCONT); };
  ASSERT_TRUE(WaitFor([&] { return NodeReady(node) == "Unknown"; }, absl::Seconds(15)));
  CommandResult del = Ordoctl({"delete", "pod", "web-1", "--wait=false"});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  EXPECT_TRUE(Web1StaysFor(web1, absl::Seconds(5)));
  EXPECT_TRUE(GetPod("web-1")->metadata().has_deletion_timestamp());
  ASSERT_EQ(kill(agent, SIGCONT), 0);
  EXPECT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("web-1");
        return pod.has_value() && pod->metadata().uid() != web1.metadata().uid() && Ready(*pod);
      },
      absl::Seconds(30)));
  ExpectWeb1Data();
}

// The agent dies but its node does not: the containers it started keep
// running, so the pod is neither replaced nor restarted; the agent started
// again adopts the same process and the node heals.
TEST_F(NodeFailureTest, AKilledAgentsPodKeepsRunningUnreplacedAndIsAdopted) {
  Apply(WebWithData());
  ASSERT_TRUE(WaitAllReady());
  auto web1 = WriteWeb1Data();
  std::string node = web1.spec().node_name();
  pid_t container = ContainerPid(web1);
  ASSERT_GT(container, 1);
  pid_t agent = AgentPid(node);
  ASSERT_GT(agent, 0);
  std::vector<std::string> argv = CommandLine(agent);
  ASSERT_EQ(kill(agent, SIGKILL), 0);
  ASSERT_TRUE(WaitFor([&] { return NodeReady(node) == "Unknown"; }, absl::Seconds(15)));
  EXPECT_TRUE(WaitFor([&] { return !Ready(*GetPod("web-1")); }, absl::Seconds(10)));
  EXPECT_TRUE(
      WaitFor([&] { return Tainted(node, "node.kubernetes.io/unreachable"); }, absl::Seconds(10)));
  EXPECT_TRUE(Web1StaysFor(web1, absl::Seconds(5)));
  EXPECT_EQ(kill(container, 0), 0) << "the container died with its agent";
  StartAgent(node, argv);
  EXPECT_TRUE(WaitFor([&] { return NodeReady(node) == "True"; }, absl::Seconds(15)));
  EXPECT_TRUE(WaitFor([&] { return Ready(*GetPod("web-1")); }, absl::Seconds(15)))
      << GetPod("web-1")->status().DebugString();
  auto after = *GetPod("web-1");
  EXPECT_EQ(after.metadata().uid(), web1.metadata().uid());
  EXPECT_EQ(ContainerPid(after), container);
  EXPECT_EQ(after.status().container_statuses(0).restart_count(), 0);
  ExpectWeb1Data();
}

TEST_F(NodeFailureTest, DrainUnderABudgetKeepsEnoughPodsReady) {
  Apply(kWeb);
  Apply(R"(apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: nginx}}
)");
  ASSERT_TRUE(WaitAllReady());
  // Watch the number of Ready pods for the whole drain.
  std::atomic<int> lowest{3};
  std::atomic<bool> done{false};
  std::thread monitor([&] {
    while (!done.load()) {
      int ready = 0;
      for (const char* p : {"web-0", "web-1", "web-2"}) {
        auto pod = GetPod(p);
        ready += pod.has_value() && Ready(*pod) && !pod->metadata().has_deletion_timestamp();
      }
      lowest = std::min(lowest.load(), ready);
      WaitFor([] { return false; }, absl::Milliseconds(20));  // the polling interval
    }
  });
  std::string node = GetPod("web-0")->spec().node_name();
  CommandResult drain = Ordoctl({"drain", node, "--timeout", "60s"});
  done = true;
  monitor.join();
  EXPECT_EQ(drain.exit_code, 0) << drain.err;
  EXPECT_TRUE(absl::StrContains(drain.out, "node/" + node + " drained")) << drain.out;
  EXPECT_GE(lowest.load(), 2);
  EXPECT_NE(GetPod("web-0")->spec().node_name(), node);  // it moved
  CommandResult nodes = Ordoctl({"get", "nodes"});
  EXPECT_TRUE(absl::StrContains(nodes.out, "SchedulingDisabled")) << nodes.out;
}

// The manual ways out of reference §3.4 for a dead node: a force delete (with
// kubectl's warning), deleting the Node, and the out-of-service taint each let
// the set recreate web-1 elsewhere, with its data.
TEST_F(NodeFailureTest, ForceDeleteMovesAPodOfADeadNodeAndThePowerOnDoesNotRunIt) {
  Apply(WebWithData());
  ASSERT_TRUE(WaitAllReady());
  auto web1 = WriteWeb1Data();
  std::string node = web1.spec().node_name();
  std::vector<std::string> agent = PowerOff(node);
  ASSERT_TRUE(WaitFor([&] { return NodeReady(node) == "Unknown"; }, absl::Seconds(15)));
  EXPECT_TRUE(Web1StaysFor(web1, absl::Seconds(2)));  // a dead node's pod waits for a human
  ASSERT_EQ(Ordoctl({"cordon", node}).exit_code, 0);  // so the replacement goes elsewhere
  CommandResult force = Ordoctl({"delete", "pod", "web-1", "--force", "--grace-period=0"});
  EXPECT_EQ(force.exit_code, 0) << force.err;
  EXPECT_TRUE(absl::StrContains(force.err,
                                "Warning: Immediate deletion does not wait for "
                                "confirmation that the running resource has been "
                                "terminated."))
      << force.err;
  EXPECT_TRUE(WaitFor([&] { return Web1MovedFrom(web1); }, absl::Seconds(30)));
  ExpectWeb1Data();
  // (Its volume left the dead node after the force-detach timeout.) Power
  // on: the agent's checkpoint still holds the old web-1; it must not run it.
  StartAgent(node, agent);
  EXPECT_TRUE(WaitFor([&] { return NodeReady(node) == "True"; }, absl::Seconds(15)));
  EXPECT_TRUE(OnlyTheNewWeb1RunsFor(absl::Seconds(3)));
  EXPECT_TRUE(Ready(*GetPod("web-1")));
}

// Why the ways out are for dead nodes only (reference §3.4): force-deleting
// the pod of a node that is merely unreachable runs two web-1s at once. The
// identity checker sees it; the agent, back, kills the pod it no longer owns.
TEST_F(NodeFailureTest, ForceDeletingThePodOfALiveNodeRunsTwoAndTheCheckerSeesIt) {
  Apply(kWeb);
  ASSERT_TRUE(WaitAllReady());
  auto web1 = *GetPod("web-1");
  std::string node = web1.spec().node_name();
  pid_t agent = AgentPid(node);
  ASSERT_GT(agent, 0);
  ASSERT_EQ(kill(agent, SIGSTOP), 0);  // its containers keep running
  absl::Cleanup resume = [agent] { kill(agent, SIGCONT); };
  ASSERT_TRUE(WaitFor([&] { return NodeReady(node) == "Unknown"; }, absl::Seconds(15)));
  ASSERT_EQ(Ordoctl({"cordon", node}).exit_code, 0);
  ASSERT_EQ(Ordoctl({"delete", "pod", "web-1", "--force", "--grace-period=0"}).exit_code, 0);
  ASSERT_TRUE(WaitFor([&] { return Web1MovedFrom(web1); }, absl::Seconds(30)));
  std::string uid = GetPod("web-1")->metadata().uid();
  // Both witnesses name web-1 and its two pods: the ledger from the new
  // pod's start, the /proc scan within a scan or two.
  std::vector<std::string> doubles;
  EXPECT_TRUE(WaitFor(
      [&] {
        doubles = identity_checker_->Violations();
        return doubles.size() == 2;
      },
      absl::Seconds(5)));
  for (const std::string& line : doubles) {
    EXPECT_TRUE(absl::StartsWith(line, "default/web-1: ")) << line;
    EXPECT_THAT(line, ::testing::HasSubstr(web1.metadata().uid()));
    EXPECT_THAT(line, ::testing::HasSubstr(uid));
  }
  ASSERT_EQ(kill(agent, SIGCONT), 0);
  EXPECT_TRUE(WaitFor(
      [&] { return ScanRunningPods(dir_.path())["default/web-1"] == std::set<std::string>{uid}; },
      absl::Seconds(15)));
  // The double was this test's point: it is taken from the checker, which
  // goes on watching web-1 and the rest until the test ends.
  EXPECT_EQ(identity_checker_->TakeViolationsOf("default/web-1").size(), 2u);
  EXPECT_TRUE(identity_checker_->Violations().empty());
}

TEST_F(NodeFailureTest, DeletingTheNodeObjectReleasesItsPodsAfterTheQuarantine) {
  Apply(WebWithData());
  ASSERT_TRUE(WaitAllReady());
  auto web1 = WriteWeb1Data();
  std::string node = web1.spec().node_name();
  PowerOff(node);
  ASSERT_TRUE(WaitFor([&] { return NodeReady(node) == "Unknown"; }, absl::Seconds(15)));
  ASSERT_EQ(Ordoctl({"delete", "node", node, "--wait=false"}).exit_code, 0);
  // Pod GC's quarantine (40 s by default) and then the set recreates web-1.
  EXPECT_TRUE(WaitFor([&] { return Web1MovedFrom(web1); }, absl::Seconds(75)));
  ExpectWeb1Data();
}

// Non-graceful node shutdown (reference §3.4): the admin declares the node
// dead with the out-of-service taint; its pods are force-deleted, its volumes
// detached, and web-1 comes back elsewhere. The admin lifts the taint once
// the node is back.
TEST_F(NodeFailureTest, TheOutOfServiceTaintMovesAPodOfADeadNode) {
  Apply(WebWithData());
  ASSERT_TRUE(WaitAllReady());
  auto web1 = WriteWeb1Data();
  std::string node = web1.spec().node_name();
  std::vector<std::string> agent = PowerOff(node);
  ASSERT_TRUE(WaitFor([&] { return NodeReady(node) == "Unknown"; }, absl::Seconds(15)));
  CommandResult taint =
      Ordoctl({"taint", "nodes", node, "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute"});
  ASSERT_EQ(taint.exit_code, 0) << taint.err;
  EXPECT_EQ(taint.out, "node/" + node + " tainted\n");
  EXPECT_TRUE(WaitFor([&] { return Web1MovedFrom(web1); }, absl::Seconds(40)));
  ExpectWeb1Data();
  StartAgent(node, agent);
  EXPECT_TRUE(WaitFor([&] { return NodeReady(node) == "True"; }, absl::Seconds(15)));
  EXPECT_TRUE(OnlyTheNewWeb1RunsFor(absl::Seconds(3)));
  CommandResult lift = Ordoctl({"taint", "nodes", node, "node.kubernetes.io/out-of-service-"});
  ASSERT_EQ(lift.exit_code, 0) << lift.err;
  EXPECT_EQ(lift.out, "node/" + node + " untainted\n");
  EXPECT_FALSE(Tainted(node, "node.kubernetes.io/out-of-service"));
}

// The opt-in fence (reference §5 row 5): a node that loses power (its agent
// and every container SIGKILLed) is proven dead, fenced out-of-service, and
// its StatefulSet pod moves to another node with its (shared-class) data.
class FenceTest : public NodeFailureTest {
 protected:
  FenceTest() { extra_up_args_ = {"--node-monitor-grace-period", "3s", "--fence-after", "2s"}; }
};

TEST_F(FenceTest, APoweredOffNodeIsFencedAndItsPodMovesWithItsData) {
  Apply(WebWithData());
  ASSERT_TRUE(WaitAllReady());
  auto web1 = WriteWeb1Data();
  std::string node = web1.spec().node_name();
  PowerOff(node);
  ASSERT_TRUE(WaitFor([&] { return Web1MovedFrom(web1); }, absl::Seconds(60)));
  EXPECT_TRUE(Tainted(node, "node.kubernetes.io/out-of-service"));
  ExpectWeb1Data();
}

}  // namespace
}  // namespace ordo::itest
