// Components past gRPC's 4 MB (issue 23): with 20,000 pods of a realistic
// size stored (over twice the default message limit as one list, before the
// server adds its defaults), the scheduler, the controller-manager and
// ordo-dns are killed and started again; each lists everything anew (in
// pages) and the cluster goes on working: a new StatefulSet's pod is placed,
// created, started and found by name in DNS.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "integration-tests/harness/cluster_fixture.h"

namespace ordo::itest {
namespace {

constexpr int kPods = 20'000;

// A pod as controllers and users write them: labels, annotations, two
// containers with ports, env and probes. Nobody schedules it (its scheduler
// does not exist), so it stays stored and listed, never run.
core::v1::Pod ParkedPod(int i) {
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name(absl::StrCat("parked-", i));
  pod.mutable_metadata()->set_namespace_("bulk");
  auto& labels = *pod.mutable_metadata()->mutable_labels();
  labels["app.kubernetes.io/name"] = "parked";
  labels["app.kubernetes.io/instance"] = absl::StrCat("parked-", i % 100);
  labels["app.kubernetes.io/part-of"] = "large-cluster-itest";
  (*pod.mutable_metadata()->mutable_annotations())["example.com/description"] =
      "a pod of ordinary size, stored to make every list of pods larger than 4 MB";
  pod.mutable_spec()->set_scheduler_name("parked-scheduler");
  for (const char* name : {"app", "sidecar"}) {
    auto* c = pod.mutable_spec()->add_containers();
    c->set_name(name);
    c->set_image("ordo-podapp");
    c->add_args("--port=8080");
    auto* port = c->add_ports();
    port->set_name(absl::StrCat(name, "-http"));
    port->set_container_port(std::string(name) == "app" ? 8080 : 9090);
    auto* env = c->add_env();
    env->set_name("POD_ROLE");
    env->set_value(name);
    c->mutable_readiness_probe()->mutable_http_get()->set_path("/readyz");
    c->mutable_readiness_probe()->mutable_http_get()->mutable_port()->set_number_value(8080);
  }
  return pod;
}

class LargeClusterTest : public ClusterFixture {
 protected:
  pid_t Pid(const std::string& component) {
    pid_t pid = 0;
    return absl::SimpleAtoi(ReadLine(dir_.Join("run/" + component + ".pid")), &pid) ? pid : 0;
  }
  // Kills the component with SIGKILL and starts it again as it was started.
  void Restart(const std::string& component) {
    pid_t pid = Pid(component);
    ASSERT_GT(pid, 0) << component;
    std::vector<std::string> argv = CommandLine(pid);
    ASSERT_EQ(kill(pid, SIGKILL), 0) << component;
    ASSERT_TRUE(WaitFor([&] { return kill(pid, 0) != 0; }, absl::Seconds(10))) << component;
    StartAgent(component, argv);
  }
};

TEST_F(LargeClusterTest, ComponentsRestartAndWorkWithTwentyThousandPodsStored) {
  Apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: bulk}\n");
  std::atomic<int> next{0}, failed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&] {
      for (int i; (i = next.fetch_add(1)) < kPods;) {
        if (!pods_->Create(ParkedPod(i)).ok()) failed.fetch_add(1);
      }
    });
  }
  for (auto& t : writers) t.join();
  ASSERT_EQ(failed.load(), 0);
  const size_t one_pod = ParkedPod(kPods - 1).ByteSizeLong();
  ASSERT_GT(one_pod * kPods, size_t{2} * 4 * 1024 * 1024) << "the pods should outgrow 4 MB twice";

  for (const char* component : {"scheduler", "controller-manager", "dns"}) Restart(component);

  Apply(R"(apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 8080}]
)");
  Apply(SleepingWeb(1));
  // The restarted controller-manager waits out its predecessor's lease (15 s).
  ASSERT_TRUE(WaitAllReady({"web-0"}, absl::Seconds(90)));
  const std::string ip = GetPod("web-0")->status().pod_ip();
  auto dig = [&](const std::string& style) {
    return RunCommand("/usr/bin/dig", {"@127.0.0.1", "-p", ReadLine(dir_.Join("run/dns.port")),
                                       "+tries=1", style, "web-0.web.default.svc.cluster.local"});
  };
  bool resolved = WaitFor(
      [&] {
        CommandResult r = dig("+short");
        return r.exit_code == 0 && r.out == ip + "\n";
      },
      absl::Seconds(30));
  // What the restarted ordo-dns says, should it never answer right.
  EXPECT_TRUE(resolved) << "web-0 (" << ip << ") not in the restarted ordo-dns (pid " << Pid("dns")
                        << ", alive: " << (kill(Pid("dns"), 0) == 0) << "):\n"
                        << dig("+nocmd").out;
}

}  // namespace
}  // namespace ordo::itest
