// Cluster DNS on a real 3-node cluster of processes, asked with dig over UDP
// and TCP and from inside pods with getent: the StatefulSet's pod names, the
// headless Service listing only ready pods, SRV per named port, a pod that
// turns unready leaving the Service's set, a replaced pod found at once.
#include <gtest/gtest.h>

#include <algorithm>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "integration-tests/harness/cluster_fixture.h"

namespace ordo::itest {
namespace {

constexpr char kWeb[] = R"(apiVersion: v1
kind: Service
metadata: {name: nginx}
spec:
  clusterIP: None
  selector: {app: nginx}
  ports: [{name: web, port: 80}]
---
apiVersion: apps/v1
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
        ports: [{name: web, containerPort: 80}]
        readinessProbe:
          httpGet: {path: /readyz, port: 80}
          periodSeconds: 1
          failureThreshold: 1
)";

class DnsTest : public ClusterFixture {
 protected:
  void SetUp() override {
    ClusterFixture::SetUp();
    dns_ = ReadLine(dir_.Join("run/dns"));
    port_ = dns_.substr(dns_.rfind(':') + 1);
  }

  // dig's +short lines, sorted.
  std::vector<std::string> Dig(const std::string& name, const std::string& type = "A",
                               bool tcp = false) {
    std::vector<std::string> args = {"@127.0.0.1", "-p",     port_,      name,
                                     type,         "+short", "+tries=1", "+time=2"};
    if (tcp) args.push_back("+tcp");
    CommandResult r = RunCommand("/usr/bin/dig", args);
    std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
    std::sort(lines.begin(), lines.end());
    return lines;
  }

  std::string Status(const std::string& name) {
    CommandResult r = RunCommand("/usr/bin/dig", {"@127.0.0.1", "-p", port_, name, "+tries=1"});
    size_t at = r.out.find("status: ");
    if (at == std::string::npos) return "";
    return r.out.substr(at + 8, r.out.find(',', at) - at - 8);
  }

  std::string IpOf(const std::string& pod) { return GetPod(pod)->status().pod_ip(); }

  std::string dns_, port_;
};

TEST_F(DnsTest, PodNamesServiceSetAndSrvOverUdpAndTcp) {
  Apply(kWeb);
  ASSERT_TRUE(WaitAllReady());
  std::vector<std::string> ips = {IpOf("web-0"), IpOf("web-1"), IpOf("web-2")};
  std::sort(ips.begin(), ips.end());
  ASSERT_TRUE(
      WaitFor([&] { return Dig("nginx.default.svc.cluster.local") == ips; }, absl::Seconds(5)));
  for (const char* p : {"web-0", "web-1", "web-2"}) {
    std::string name = std::string(p) + ".nginx.default.svc.cluster.local";
    EXPECT_EQ(Dig(name), std::vector<std::string>{IpOf(p)});
    EXPECT_EQ(Dig(name, "A", /*tcp=*/true), std::vector<std::string>{IpOf(p)});
  }
  EXPECT_EQ(Dig("_web._tcp.nginx.default.svc.cluster.local", "SRV"),
            (std::vector<std::string>{"0 33 80 web-0.nginx.default.svc.cluster.local.",
                                      "0 33 80 web-1.nginx.default.svc.cluster.local.",
                                      "0 33 80 web-2.nginx.default.svc.cluster.local."}));
  EXPECT_EQ(Status("web-9.nginx.default.svc.cluster.local"), "NXDOMAIN");
  EXPECT_EQ(Status("default.svc.cluster.local"), "NOERROR");
  // From inside a pod, through its resolv.conf search list.
  CommandResult inside = Ordoctl({"exec", "web-0", "--", "getent", "hosts", "web-1.nginx"});
  EXPECT_EQ(inside.exit_code, 0) << inside.err;
  EXPECT_TRUE(absl::StartsWith(inside.out, IpOf("web-1") + " ")) << inside.out;
}

// The StatefulSet tutorial's DNS step, word for word:
// `kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm`,
// then `nslookup web-0.nginx` typed into it.
TEST_F(DnsTest, TheTutorialsRunAndNslookup) {
  Apply(kWeb);
  ASSERT_TRUE(WaitAllReady());
  CommandResult session = Ordoctl(
      {"run", "-i", "--tty", "--image", "busybox:1.28", "dns-test", "--restart=Never", "--rm"},
      "nslookup web-0.nginx\n");
  EXPECT_EQ(session.exit_code, 0) << session.err;
  EXPECT_TRUE(absl::StrContains(session.out, "Name:\tweb-0.nginx.default.svc.cluster.local"))
      << session.out;
  EXPECT_TRUE(absl::StrContains(session.out, "Address: " + IpOf("web-0"))) << session.out;
  EXPECT_TRUE(absl::StrContains(session.out, "pod \"dns-test\" deleted")) << session.out;
  EXPECT_TRUE(WaitFor([&] { return !GetPod("dns-test").has_value(); }, absl::Seconds(10)));
}

TEST_F(DnsTest, AnUnreadyPodLeavesTheServiceSetAndReturns) {
  Apply(kWeb);
  ASSERT_TRUE(WaitAllReady());
  std::string ip1 = IpOf("web-1");
  ASSERT_TRUE(WaitFor([&] { return Dig("nginx.default.svc.cluster.local").size() == 3; },
                      absl::Seconds(5)));
  ASSERT_EQ(Ordoctl({"exec", "web-1", "--", "touch", "/tmp/podapp-unready"}).exit_code, 0);
  EXPECT_TRUE(WaitFor(
      [&] {
        auto set = Dig("nginx.default.svc.cluster.local");
        return set.size() == 2 && std::find(set.begin(), set.end(), ip1) == set.end();
      },
      absl::Seconds(10)));
  EXPECT_EQ(Status("web-1.nginx.default.svc.cluster.local"), "NXDOMAIN");
  ASSERT_EQ(Ordoctl({"exec", "web-1", "--", "rm", "/tmp/podapp-unready"}).exit_code, 0);
  EXPECT_TRUE(WaitFor([&] { return Dig("nginx.default.svc.cluster.local").size() == 3; },
                      absl::Seconds(10)));
}

TEST_F(DnsTest, AReplacedPodIsFoundWithinASecondOfBeingReady) {
  Apply(kWeb);
  ASSERT_TRUE(WaitAllReady());
  std::string uid = GetPod("web-2")->metadata().uid();
  ASSERT_EQ(Ordoctl({"delete", "pod", "web-2"}).exit_code, 0);
  ASSERT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("web-2");
        return pod.has_value() && pod->metadata().uid() != uid && Ready(*pod);
      },
      absl::Seconds(30)));
  std::string ip = IpOf("web-2");
  absl::Time ready = absl::Now();
  ASSERT_TRUE(WaitFor(
      [&] { return Dig("web-2.nginx.default.svc.cluster.local") == std::vector<std::string>{ip}; },
      absl::Seconds(5)));
  EXPECT_LT(absl::Now() - ready, absl::Seconds(1));
}

}  // namespace
}  // namespace ordo::itest
