// A real 3-node cluster of processes (`ordoctl cluster up`): pods run, answer
// probes, exec and logs work, crashes restart with back-off, deletion kills the
// process group after the grace period, an agent restart keeps its pods'
// processes, an unschedulable pod says why and schedules when a node appears,
// and hollow nodes register at scale.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/api/resource_client.h"
#include "common/clock/clock.h"
#include "common/security/pki.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/cluster_fixture.h"
#include "integration-tests/harness/users.h"

namespace ordo::itest {
namespace {

using ClusterTest = ClusterFixture;

std::string PodappPod(const std::string& name, const std::string& extra_spec = "") {
  return absl::StrCat(R"(apiVersion: v1
kind: Pod
metadata:
  name: )",
                      name, R"(
spec:
)",
                      extra_spec, R"(  containers:
  - name: app
    image: ordo-podapp
    args: ["--port", "8080"]
    readinessProbe:
      httpGet: {path: /readyz, port: 8080}
      periodSeconds: 1
      failureThreshold: 1
)");
}

TEST_F(ClusterTest, PodRunsAndAnswersExecAndLogs) {
  Apply(PodappPod("app-0"));
  ASSERT_TRUE(WaitReady("app-0"));
  CommandResult hostname = Ordoctl({"exec", "app-0", "--", "hostname"});
  EXPECT_EQ(hostname.exit_code, 0) << hostname.err;
  EXPECT_EQ(hostname.out, "app-0\n");
  CommandResult env = Ordoctl({"exec", "app-0", "--", "sh", "-c", "echo $POD_NAME; exit 7"});
  EXPECT_EQ(env.exit_code, 7);
  EXPECT_EQ(env.out, "app-0\n");
  CommandResult logs = Ordoctl({"logs", "app-0"});
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_TRUE(absl::StrContains(logs.out, "listening on")) << logs.out;
  CommandResult wide = Ordoctl({"get", "pods", "-o", "wide"});
  EXPECT_TRUE(absl::StrContains(wide.out, "Running")) << wide.out;
}

// A cluster whose directory is outside /tmp (as `make up`'s .ordo/ is), so
// only the agent's masking stands between a pod and the keys: every pod has
// a /tmp of its own, which would hide a cluster under /tmp anyway.
// As kubectl's, exec is `create pods/exec` and logs `get pods/log` on the
// api-server, which relays them to the agent; the agent answers no one else.
// A user who may read pods cannot exec until a RoleBinding lets her.
TEST_F(ClusterTest, ExecIsRefusedUntilARoleBindingGrantsPodsExec) {
  Apply(PodappPod("guarded"));
  ASSERT_TRUE(WaitReady("guarded"));
  auto jane = IssueUser(dir_.Join("pki"), "jane");
  ASSERT_TRUE(jane.ok()) << jane.status();
  std::string kubeconfig = WriteKubeconfig(dir_.Join("jane.kubeconfig"), server_, *jane);
  auto as_jane = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--kubeconfig", kubeconfig});
    return Ordoctl(args);
  };
  Apply(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: viewer}
rules:
- {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: jane-views}
subjects: [{kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: Role, name: viewer, apiGroup: rbac.authorization.k8s.io}
)");
  ASSERT_TRUE(WaitFor(
      [&] {
        return as_jane({"get", "pod", "guarded"}).exit_code == 0;
      },
      absl::Seconds(10)));
  CommandResult logs = as_jane({"logs", "guarded"});
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_TRUE(absl::StrContains(logs.out, "listening on")) << logs.out;
  CommandResult refused = as_jane({"exec", "guarded", "--", "hostname"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(refused.err,
            "Error from server (Forbidden): pods \"guarded\" is forbidden: User \"jane\" cannot "
            "create resource \"pods/exec\" in API group \"\" in the namespace \"default\"\n");
  // jane's certificate does not open the agent's port either.
  std::string agent = absl::StrCat("127.0.0.1:", ReadLine(dir_.Join("run/node-1.port")));
  EXPECT_NE(as_jane({"health", agent}).exit_code, 0);

  Apply(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: exec}
rules:
- {apiGroups: [""], resources: [pods/exec], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: jane-execs}
subjects: [{kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: Role, name: exec, apiGroup: rbac.authorization.k8s.io}
)");
  CommandResult granted;
  ASSERT_TRUE(WaitFor(
      [&] {
        granted = as_jane({"exec", "guarded", "--", "hostname"});
        return granted.exit_code == 0;
      },
      absl::Seconds(10)))
      << granted.err;
  EXPECT_EQ(granted.out, "guarded\n");
  // Both attempts are in the audit log, with their outcome.
  std::string audit = testing::ReadFile(dir_.Join("logs/audit.log"));
  EXPECT_TRUE(absl::StrContains(audit, R"("subresource":"exec")")) << audit;
  EXPECT_TRUE(absl::StrContains(audit, R"("code":403)")) << audit;
}

// The scheduler and the controller-manager serve their own port (health) on
// mutual TLS: the admin's certificate gets an answer, a stranger's does not.
TEST_F(ClusterTest, SchedulerAndControllerManagerServeMutualTls) {
  testing::TempDir other;
  ASSERT_TRUE(security::EnsureClusterPki({.dir = other.path(), .server = server_}).ok());
  for (const char* component : {"scheduler", "controller-manager"}) {
    std::string address =
        absl::StrCat("127.0.0.1:", ReadLine(dir_.Join(absl::StrCat("run/", component, ".port"))));
    CommandResult health = Ordoctl({"health", address});
    EXPECT_EQ(health.exit_code, 0) << component << ": " << health.err;
    EXPECT_EQ(health.out, "SERVING\n") << component;
    CommandResult stranger =
        Ordoctl({"--kubeconfig", other.Join("admin.kubeconfig"), "health", address});
    EXPECT_EQ(stranger.exit_code, 1) << component;
  }
}

class PodIsolationTest : public ClusterFixture {
 protected:
  PodIsolationTest() : ClusterFixture("/var/tmp/ordo-itest-clusters") {}
};

TEST_F(PodIsolationTest, PodsCannotReachTheClustersSecretsAndRunAsTheirUser) {
  Apply(R"(apiVersion: v1
kind: Pod
metadata: {name: locked}
spec:
  securityContext: {runAsUser: 1000, runAsGroup: 1000}
  containers:
  - name: app
    image: ordo-podapp
    args: ["--port", "8080"]
    securityContext:
      capabilities: {drop: [ALL]}
    readinessProbe: {httpGet: {path: /readyz, port: 8080}, periodSeconds: 1}
)");
  Apply(PodappPod("nosy"));  // root, every capability: the keys are hidden all the same
  ASSERT_TRUE(WaitReady("locked"));
  ASSERT_TRUE(WaitReady("nosy"));
  CommandResult id =
      Ordoctl({"exec", "locked", "--", "sh", "-c", "id -u; id -g; grep CapEff /proc/self/status"});
  EXPECT_EQ(id.out, "1000\n1000\nCapEff:\t0000000000000000\n") << id.err;
  for (const char* pod : {"locked", "nosy"}) {
    for (const std::string& secret :
         {dir_.Join("pki/ca.key"), dir_.Join("api-server/CURRENT"), dir_.Join("kubeconfig")}) {
      CommandResult read = Ordoctl({"exec", pod, "--", "cat", secret});
      EXPECT_NE(read.exit_code, 0) << pod << " read " << secret;
      EXPECT_EQ(read.out, "") << pod << " read " << secret;
    }
    CommandResult listing = Ordoctl({"exec", pod, "--", "ls", "-A", dir_.path()});
    EXPECT_EQ(listing.out, "") << pod;  // the cluster's directory is an empty tmpfs
  }
  // The host, outside the pods, still has the key: it is hidden, not gone.
  EXPECT_FALSE(testing::ReadFile(dir_.Join("pki/ca.key")).empty());
  EXPECT_FALSE(absl::StartsWith(dir_.path(), "/tmp/"));
  // An agent's port refuses a pod that has no certificate: the TLS handshake
  // (Python's ssl, no client certificate) fails before any byte is served.
  std::string agent_port = ReadLine(dir_.Join("run/node-1.port"));
  CommandResult handshake =
      Ordoctl({"exec", "nosy", "--", "python3", "-c",
               absl::StrCat("import socket, ssl\n"
                            "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
                            "ctx.check_hostname = False\n"
                            "ctx.verify_mode = ssl.CERT_NONE\n"
                            "try:\n"
                            "    s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', ",
                            agent_port,
                            ")), server_hostname='node-1')\n"
                            "    s.sendall(b'PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n')\n"
                            "    print('served' if s.recv(64) else 'refused')\n"
                            "except (ssl.SSLError, ConnectionError):\n"
                            "    print('refused')\n")});
  EXPECT_EQ(handshake.out, "refused\n") << handshake.err;
  // runAsNonRoot without a user: refused before it starts, in Kubernetes' words.
  Apply(R"(apiVersion: v1
kind: Pod
metadata: {name: rootless}
spec:
  securityContext: {runAsNonRoot: true}
  containers:
  - {name: app, image: ordo-podapp}
)");
  EXPECT_TRUE(WaitFor(
      [&] {
        return Ordoctl({"get", "pod", "rootless", "-o",
                        "jsonpath={.status.containerStatuses[0].state.waiting.reason}: "
                        "{.status.containerStatuses[0].state.waiting.message}"})
                   .out ==
               "CreateContainerConfigError: container has runAsNonRoot and image "
               "will run as root";
      },
      absl::Seconds(20)));
}

TEST_F(ClusterTest, FailingReadinessProbeMakesThePodNotReadyAndBack) {
  Apply(PodappPod("flip"));
  ASSERT_TRUE(WaitReady("flip"));
  ASSERT_EQ(Ordoctl({"exec", "flip", "--", "touch", "/tmp/podapp-unready"}).exit_code, 0);
  EXPECT_TRUE(WaitReady("flip", false));
  ASSERT_EQ(Ordoctl({"exec", "flip", "--", "rm", "/tmp/podapp-unready"}).exit_code, 0);
  EXPECT_TRUE(WaitReady("flip", true));
}

TEST_F(ClusterTest, CrashingContainerRestartsWithGrowingBackOff) {
  Apply(R"(apiVersion: v1
kind: Pod
metadata:
  name: crasher
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "echo run; exit 3"]
)");
  bool saw_backoff = false;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("crasher");
        if (!pod.has_value() || pod->status().container_statuses_size() == 0) return false;
        const auto& cs = pod->status().container_statuses(0);
        saw_backoff |= cs.state().waiting().reason() == "CrashLoopBackOff";
        return cs.restart_count() >= 2 && saw_backoff;
      },
      absl::Seconds(30)));
  auto pod = GetPod("crasher");
  EXPECT_EQ(pod->status().container_statuses(0).last_state().terminated().exit_code(), 3);
  CommandResult get = Ordoctl({"get", "pod", "crasher"});
  EXPECT_TRUE(absl::StrContains(get.out, "CrashLoopBackOff") ||
              absl::StrContains(get.out, "Error") || absl::StrContains(get.out, "Running"))
      << get.out;
}

TEST_F(ClusterTest, DeletionKillsTheProcessGroupAfterTheGracePeriod) {
  Apply(R"(apiVersion: v1
kind: Pod
metadata:
  name: stubborn
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: sh
    command: ["sh", "-c", "trap '' TERM; echo started; while true; do sleep 1; done"]
)");
  pid_t pid = 0;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("stubborn");
        return pod.has_value() && (pid = ContainerPid(*pod)) > 0;
      },
      absl::Seconds(20)));
  absl::Time start = absl::Now();
  CommandResult del = Ordoctl({"delete", "pod", "stubborn"});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  absl::Duration took = absl::Now() - start;
  EXPECT_FALSE(GetPod("stubborn").has_value());
  EXPECT_NE(kill(pid, 0), 0) << "the container outlived its deletion";
  EXPECT_GE(took, absl::Seconds(2)) << "SIGTERM is ignored: only SIGKILL after the grace ends it";
  // A bound only the wrong grace breaks (the default is 30 s), not a loaded machine.
  EXPECT_LT(took, absl::Seconds(25)) << "the pod's own 2 s grace was not the one used";
}

TEST_F(ClusterTest, RestartedAgentKeepsItsPodsProcesses) {
  Apply(PodappPod("keeper"));
  ASSERT_TRUE(WaitReady("keeper"));
  auto pod = GetPod("keeper");
  pid_t pid = ContainerPid(*pod);
  ASSERT_GT(pid, 0);
  std::string node = pod->spec().node_name();
  pid_t agent = AgentPid(node);
  ASSERT_GT(agent, 0);
  std::vector<std::string> argv = CommandLine(agent);
  ASSERT_EQ(kill(agent, SIGTERM), 0);
  ASSERT_TRUE(WaitFor([&] { return kill(agent, 0) != 0; }, absl::Seconds(10)));
  std::string log_path = StartAgent(node, argv);
  // The new agent adopts the container: same pid, still Ready, no restart.
  EXPECT_TRUE(
      WaitFor([&] { return absl::StrContains(testing::ReadFile(log_path), "serving on port"); },
              absl::Seconds(10)));
  // exec works once the new agent has published its new port on the Node.
  ASSERT_TRUE(WaitFor(
      [&] {
        return Ordoctl({"exec", "keeper", "--", "true"}).exit_code == 0;
      },
      absl::Seconds(10)));
  auto after = GetPod("keeper");
  EXPECT_EQ(ContainerPid(*after), pid);
  EXPECT_EQ(after->status().container_statuses(0).restart_count(), 0);
  EXPECT_EQ(kill(pid, 0), 0);
}

TEST_F(ClusterTest, UnschedulablePodSaysWhyAndSchedulesWhenANodeAppears) {
  Apply(PodappPod("picky", "  nodeSelector:\n    disk: ssd\n"));
  const std::string want =
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.";
  ASSERT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("picky");
        if (!pod.has_value()) return false;
        for (const auto& c : pod->status().conditions()) {
          if (c.type() == "PodScheduled" && c.status() == "False" && c.message() == want)
            return true;
        }
        return false;
      },
      absl::Seconds(10)));
  std::vector<std::string> flags = AgentFlags("node-ssd");
  for (const char* flag :
       {"--node-name", "node-ssd", "--pod-cidr", "127.1.9.0/24", "--node-labels", "disk=ssd"}) {
    flags.push_back(flag);
  }
  flags.push_back("--root-dir");
  flags.push_back(dir_.Join("nodes/node-ssd"));
  auto agent =
      Process::Start(BinDir() + "/ordo-kubelet-agent", flags, dir_.Join("logs/node-ssd.log"));
  ASSERT_TRUE(agent.ok());
  EXPECT_TRUE(WaitReady("picky"));
  EXPECT_EQ(GetPod("picky")->spec().node_name(), "node-ssd");
  ASSERT_EQ(Ordoctl({"delete", "pod", "picky"}).exit_code, 0);
  agent->Stop();
}

TEST_F(ClusterTest, TwoHundredHollowNodesRegisterReady) {
  // One process speaking for 200 nodes is no one node: it runs as the admin.
  std::vector<std::string> flags = {"--server", server_, "--kubeconfig", dir_.Join("kubeconfig")};
  for (const char* flag : {"--hollow", "--hollow-nodes", "200", "--node-name", "hollow"}) {
    flags.push_back(flag);
  }
  auto hollow =
      Process::Start(BinDir() + "/ordo-kubelet-agent", flags, dir_.Join("logs/hollow.log"));
  ASSERT_TRUE(hollow.ok());
  EXPECT_TRUE(WaitFor(
      [&] {
        auto list = nodes_->List({});
        if (!list.ok()) return false;
        int ready = 0;
        for (const auto& n : list->items()) {
          for (const auto& c : n.status().conditions()) {
            ready += absl::StartsWith(n.metadata().name(), "hollow-") && c.type() == "Ready" &&
                     c.status() == "True";
          }
        }
        return ready == 200;
      },
      absl::Seconds(60)));
  hollow->Stop();
}

}  // namespace
}  // namespace ordo::itest
