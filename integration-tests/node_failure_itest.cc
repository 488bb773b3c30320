// Node failure and voluntary disruption on a real 3-node cluster of
// processes (reference §3): a frozen agent (SIGSTOP) stands for a node that
// stopped answering. Its node goes Unknown and is tainted, its StatefulSet
// pod turns NotReady and is not replaced (one web-N, ever), and all of it
// heals when the agent resumes. A drain under a PodDisruptionBudget evicts
// one pod at a time, never leaving fewer Ready pods than the budget asks.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
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

class NodeFailureTest : public ClusterFixture {
 protected:
  NodeFailureTest() { extra_up_args_ = {"--node-monitor-grace-period", "4s"}; }

  std::string NodeReady(const std::string& node) {
    auto n = nodes_->Get("", node);
    if (!n.ok()) return "";
    for (const auto& c : n->status().conditions()) {
      if (c.type() == "Ready") return c.status();
    }
    return "";
  }

  pid_t AgentPid(const std::string& node) {
    pid_t pid = 0;
    return absl::SimpleAtoi(ReadLine(dir_.Join("run/" + node + ".pid")), &pid) ? pid : 0;
  }
};

TEST_F(NodeFailureTest, AFrozenNodeGoesUnknownAndItsPodIsNotReplaced) {
  Apply(kWeb);
  ASSERT_TRUE(WaitAllReady());
  auto web1 = *GetPod("web-1");
  std::string node = web1.spec().node_name();
  pid_t agent = AgentPid(node);
  ASSERT_GT(agent, 0);
  ASSERT_EQ(kill(agent, SIGSTOP), 0);
  absl::Cleanup resume = [agent] { kill(agent, SIGCONT); };
  // Grace (4 s) + one heartbeat + one monitor period (5 s), with room.
  ASSERT_TRUE(WaitFor([&] { return NodeReady(node) == "Unknown"; }, absl::Seconds(15)));
  EXPECT_TRUE(WaitFor([&] { return !Ready(*GetPod("web-1")); }, absl::Seconds(10)));
  // The taints follow one monitor period (5 s) later.
  EXPECT_TRUE(WaitFor(
      [&] {
        auto tainted = nodes_->Get("", node);
        for (const auto& t : tainted->spec().taints()) {
          if (t.key() == "node.kubernetes.io/unreachable" && t.effect() == "NoExecute") return true;
        }
        return false;
      },
      absl::Seconds(10)));
  // At most one web-1: the same pod stays, nothing replaces it.
  absl::Time until = absl::Now() + absl::Seconds(5);
  EXPECT_FALSE(WaitFor(
      [&] {
        auto pod = GetPod("web-1");
        return !pod.has_value() || pod->metadata().uid() != web1.metadata().uid() ||
               absl::Now() > until + absl::Seconds(1);
      },
      absl::Seconds(5)));
  ASSERT_EQ(kill(agent, SIGCONT), 0);
  EXPECT_TRUE(WaitFor([&] { return NodeReady(node) == "True"; }, absl::Seconds(15)));
  EXPECT_TRUE(WaitFor([&] { return Ready(*GetPod("web-1")); }, absl::Seconds(15)))
      << GetPod("web-1")->status().DebugString();
  EXPECT_EQ(GetPod("web-1")->metadata().uid(), web1.metadata().uid());
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

// The manual ways out of reference §3.4 on a frozen node: a force delete
// (with kubectl's warning) and deleting the Node both let the set recreate
// web-1 elsewhere.
TEST_F(NodeFailureTest, ForceDeleteReleasesAPodOfAFrozenNode) {
  Apply(kWeb);
  ASSERT_TRUE(WaitAllReady());
  auto web1 = *GetPod("web-1");
  std::string node = web1.spec().node_name();
  pid_t agent = AgentPid(node);
  ASSERT_GT(agent, 0);
  ASSERT_EQ(kill(agent, SIGSTOP), 0);
  absl::Cleanup resume = [agent] { kill(agent, SIGCONT); };
  ASSERT_TRUE(WaitFor([&] { return NodeReady(node) == "Unknown"; }, absl::Seconds(15)));
  ASSERT_EQ(Ordoctl({"cordon", node}).exit_code, 0);  // so the replacement goes elsewhere
  CommandResult force = Ordoctl({"delete", "pod", "web-1", "--force", "--grace-period=0"});
  EXPECT_EQ(force.exit_code, 0) << force.err;
  EXPECT_TRUE(absl::StrContains(force.err,
                                "Warning: Immediate deletion does not wait for "
                                "confirmation that the running resource has been "
                                "terminated."))
      << force.err;
  EXPECT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("web-1");
        return pod.has_value() && pod->metadata().uid() != web1.metadata().uid() &&
               pod->spec().node_name() != node && Ready(*pod);
      },
      absl::Seconds(30)));
}

TEST_F(NodeFailureTest, DeletingTheNodeObjectReleasesItsPodsAfterTheQuarantine) {
  Apply(kWeb);
  ASSERT_TRUE(WaitAllReady());
  auto web1 = *GetPod("web-1");
  std::string node = web1.spec().node_name();
  pid_t agent = AgentPid(node);
  ASSERT_GT(agent, 0);
  ASSERT_EQ(kill(agent, SIGSTOP), 0);
  absl::Cleanup resume = [agent] { kill(agent, SIGCONT); };
  ASSERT_TRUE(WaitFor([&] { return NodeReady(node) == "Unknown"; }, absl::Seconds(15)));
  ASSERT_EQ(Ordoctl({"delete", "node", node, "--wait=false"}).exit_code, 0);
  // Pod GC's quarantine (40 s by default) and then the set recreates web-1.
  EXPECT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("web-1");
        return pod.has_value() && pod->metadata().uid() != web1.metadata().uid() &&
               pod->spec().node_name() != node && Ready(*pod);
      },
      absl::Seconds(75)));
}

// The opt-in fence (reference §5 row 5): a node that loses power (its agent
// and every container SIGKILLed) is proven dead, fenced out-of-service, and
// its StatefulSet pod moves to another node with its (shared-class) data.
class FenceTest : public NodeFailureTest {
 protected:
  FenceTest() { extra_up_args_ = {"--node-monitor-grace-period", "3s", "--fence-after", "2s"}; }
};

TEST_F(FenceTest, APoweredOffNodeIsFencedAndItsPodMovesWithItsData) {
  Apply(R"(apiVersion: apps/v1
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
        args: ["--port", "80", "--data-dir", "/data"]
        readinessProbe:
          httpGet: {path: /readyz, port: 80}
          periodSeconds: 1
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: shared
      resources: {requests: {storage: 1Gi}}
)");
  ASSERT_TRUE(WaitAllReady());
  ASSERT_EQ(Ordoctl({"exec", "web-1", "--", "sh", "-c", "hostname > /data/index.html"}).exit_code,
            0);
  auto web1 = *GetPod("web-1");
  std::string node = web1.spec().node_name();
  // Power off: the agent, then every container process group of the node.
  pid_t agent = AgentPid(node);
  ASSERT_GT(agent, 0) << node;
  ASSERT_EQ(kill(agent, SIGKILL), 0);
  auto all = pods_->List({});
  ASSERT_TRUE(all.ok());
  for (const auto& pod : all->items()) {
    if (pod.spec().node_name() != node) continue;
    pid_t pid = ContainerPid(pod);
    if (pid > 1) kill(-pid, SIGKILL);
  }
  ASSERT_TRUE(WaitFor(
      [&] {
        auto moved = GetPod("web-1");
        return moved.has_value() && moved->metadata().uid() != web1.metadata().uid() &&
               moved->spec().node_name() != node && Ready(*moved);
      },
      absl::Seconds(60)));
  auto fenced = nodes_->Get("", node);
  bool out_of_service = false;
  for (const auto& t : fenced->spec().taints()) {
    out_of_service = out_of_service || t.key() == "node.kubernetes.io/out-of-service";
  }
  EXPECT_TRUE(out_of_service);
  CommandResult data = Ordoctl({"exec", "web-1", "--", "cat", "/data/index.html"});
  EXPECT_EQ(data.out, "web-1\n") << data.err;
}

}  // namespace
}  // namespace ordo::itest
