// ClusterFixture runs each test against a fresh real cluster of processes
// (`ordoctl cluster up --nodes 3` in a temporary directory; `cluster down`
// after), with typed clients, `ordoctl`, pod and agent helpers. For the whole
// of each test an IdentityChecker watches the cluster's processes; the test
// fails if two pods of one identity ever ran at once. For gtest fixtures of
// integration tests; not thread-safe (one test thread).
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/api/resource_client.h"
#include "common/api/well_known.h"
#include "common/clock/clock.h"
#include "common/security/credentials.h"
#include "common/security/pki.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/identity_checker.h"
#include "integration-tests/harness/process.h"
#include "integration-tests/harness/wait.h"

namespace ordo::itest {

inline std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

class ClusterFixture : public ::testing::Test {
 protected:
  ClusterFixture() = default;
  // The cluster's directory under `parent` rather than $TMPDIR.
  explicit ClusterFixture(const std::string& parent) : dir_(parent) {}

  void SetUp() override {
    identity_checker_ = std::make_unique<IdentityChecker>(dir_.path(), LedgerDir());
    std::vector<std::string> up_args = {"cluster",           "up",        "--nodes",         "3",
                                        "--data-dir",        dir_.path(), "--crash-backoff", "1s",
                                        "--identity-ledger", LedgerDir()};
    up_args.insert(up_args.end(), extra_up_args_.begin(), extra_up_args_.end());
    CommandResult up = Ordoctl(up_args);
    ASSERT_EQ(up.exit_code, 0) << up.err;
    server_ = ReadLine(dir_.Join("run/server"));
    admin_ = security::LoadCredentials(dir_.Join("kubeconfig"), "")
                 .value_or(security::ClientCredentials{});
    admin_.server = server_;
    channel_ = security::Dial(server_, admin_);
    pods_ = std::make_unique<api::ResourceClient<core::v1::Pod>>(channel_, SystemClock());
    nodes_ = std::make_unique<api::ResourceClient<core::v1::Node>>(channel_, SystemClock());
    sets_ = std::make_unique<api::ResourceClient<apps::v1::StatefulSet>>(channel_, SystemClock());
  }
  void TearDown() override {
    CommandResult down = Ordoctl({"cluster", "down", "--data-dir", dir_.path()});
    EXPECT_EQ(down.exit_code, 0) << down.err;
    identity_checker_->Stop();
    EXPECT_GT(identity_checker_->scans(), 0);
    for (const auto& line : identity_checker_->Violations()) ADD_FAILURE() << line;
  }

  // The cluster's identity ledger (identity_ledger.h), a second witness
  // beside the /proc scan.
  std::string LedgerDir() const { return dir_.Join("identity-ledger"); }

  CommandResult Ordoctl(std::vector<std::string> args, const std::string& input = "") {
    return RunCommand(BinDir() + "/ordoctl", args,
                      {"ORDO_SERVER=" + server_, "KUBECONFIG=" + dir_.Join("kubeconfig")}, input);
  }

  // A StatefulSet `web` of `replicas` pods that sleep (image sh), stopping
  // within a second, behind serviceName `web`.
  static std::string SleepingWeb(int replicas) {
    return absl::StrCat(R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: )",
                        replicas, R"(
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: c, image: sh, command: ["sh", "-c", "exec sleep 100000"]}]
)");
  }

  void Apply(const std::string& yaml) {
    CommandResult r = Ordoctl({"apply", "-f", "-"}, yaml);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::optional<core::v1::Pod> GetPod(const std::string& name) {
    auto pod = pods_->Get("default", name);
    if (!pod.ok()) return std::nullopt;
    return *pod;
  }

  static bool Ready(const core::v1::Pod& pod) { return api::IsPodReady(pod); }

  // StatefulSet `web` has rolled out: `replicas` replicas, every one Ready at
  // the update revision, and the status says so of the latest spec.
  bool WaitRolledOut(int replicas, absl::Duration timeout = absl::Seconds(60)) {
    return WaitFor(
        [&] {
          auto set = sets_->Get("default", "web");
          if (!set.ok()) return false;
          const auto& st = set->status();
          return st.observed_generation() == set->metadata().generation() &&
                 st.replicas() == replicas && st.ready_replicas() == replicas &&
                 st.updated_replicas() == replicas && st.current_revision() == st.update_revision();
        },
        timeout);
  }

  // Every one of `names` exists and is Ready (a StatefulSet's web-0..web-2 by default).
  bool WaitAllReady(const std::vector<std::string>& names = {"web-0", "web-1", "web-2"},
                    absl::Duration d = absl::Seconds(60)) {
    return WaitFor(
        [&] {
          for (const auto& name : names) {
            auto pod = GetPod(name);
            if (!pod.has_value() || !Ready(*pod)) return false;
          }
          return true;
        },
        d);
  }

  bool WaitReady(const std::string& name, bool ready = true, absl::Duration d = absl::Seconds(20)) {
    return WaitFor(
        [&] {
          auto pod = GetPod(name);
          return pod.has_value() && Ready(*pod) == ready;
        },
        d);
  }

  static pid_t ContainerPid(const core::v1::Pod& pod) {
    pid_t pid = 0;
    if (pod.status().container_statuses_size() == 0) return 0;
    absl::string_view id = pod.status().container_statuses(0).container_id();
    absl::ConsumePrefix(&id, "ordo://");
    return absl::SimpleAtoi(id, &pid) ? pid : 0;
  }

  // The pid `cluster up` (or StartAgent) recorded for a node's agent, or 0.
  pid_t AgentPid(const std::string& node) {
    pid_t pid = 0;
    return absl::SimpleAtoi(ReadLine(dir_.Join("run/" + node + ".pid")), &pid) ? pid : 0;
  }

  // The flags an agent for `node` needs to join this cluster: the server, a
  // kubeconfig with the node's own certificate (issued now if it has none)
  // and that certificate for its own port.
  std::vector<std::string> AgentFlags(const std::string& node) {
    std::string pki = dir_.Join("pki");
    absl::Status issued =
        security::EnsureClusterPki({.dir = pki, .server = server_, .nodes = {{node, {}}}});
    EXPECT_TRUE(issued.ok()) << issued;
    return {"--server",
            server_,
            "--kubeconfig",
            pki + "/" + node + ".kubeconfig",
            "--tls-cert-file",
            pki + "/" + node + ".crt",
            "--tls-private-key-file",
            pki + "/" + node + ".key",
            "--client-ca-file",
            pki + "/ca.crt"};
  }
  // A running process's command line, to start it again the same way.
  static std::vector<std::string> CommandLine(pid_t pid) {
    return absl::StrSplit(testing::ReadFile(absl::StrCat("/proc/", pid, "/cmdline")), '\0',
                          absl::SkipEmpty());
  }

  // Starts a node's agent with `argv` (its CommandLine before it stopped), as
  // `cluster up` did; `cluster down` stops it. Returns the path of its log.
  std::string StartAgent(const std::string& node, const std::vector<std::string>& argv) {
    std::string log = dir_.Join(absl::StrCat("logs/", node, "-", kept_.size() + 2, ".log"));
    EXPECT_FALSE(argv.empty());
    if (argv.empty()) return log;
    auto started =
        Process::Start(argv[0], std::vector<std::string>(argv.begin() + 1, argv.end()), log);
    EXPECT_TRUE(started.ok()) << started.status();
    if (!started.ok()) return log;
    std::ofstream(dir_.Join("run/" + node + ".pid")) << started->pid() << "\n";
    kept_.push_back(*std::move(started));
    return log;
  }

  // A node loses power: its agent and every container of its pods are
  // SIGKILLed. Returns the agent's command line, to power it on again.
  std::vector<std::string> PowerOff(const std::string& node) {
    pid_t agent = AgentPid(node);
    std::vector<std::string> argv = agent > 0 ? CommandLine(agent) : std::vector<std::string>{};
    EXPECT_GT(agent, 0) << node;
    if (agent > 0) {
      EXPECT_EQ(kill(agent, SIGKILL), 0);
    }
    auto all = pods_->List({});
    EXPECT_TRUE(all.ok()) << all.status();
    if (!all.ok()) return argv;
    for (const auto& pod : all->items()) {
      if (pod.spec().node_name() != node) continue;
      pid_t pid = ContainerPid(pod);
      if (pid > 1) kill(-pid, SIGKILL);  // the container's process group
    }
    return argv;
  }

  // More `cluster up` flags, set by a subclass's constructor.
  std::vector<std::string> extra_up_args_;
  testing::TempDir dir_;
  // Processes a test starts itself and `cluster down` must still find (their
  // pids are in DIR/run): destroyed only after TearDown has stopped the cluster.
  std::vector<Process> kept_;
  std::string server_;
  security::ClientCredentials admin_;  // DIR/kubeconfig's, dialing server_
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<api::ResourceClient<core::v1::Pod>> pods_;
  std::unique_ptr<api::ResourceClient<core::v1::Node>> nodes_;
  std::unique_ptr<api::ResourceClient<apps::v1::StatefulSet>> sets_;
  std::unique_ptr<IdentityChecker> identity_checker_;
};

}  // namespace ordo::itest
