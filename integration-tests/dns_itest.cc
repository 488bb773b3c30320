// Cluster DNS on a real 3-node cluster of processes, asked with dig over UDP
// and TCP and from inside pods with getent: the StatefulSet's pod names, the
// headless Service listing only ready pods, SRV per named port, a pod that
// turns unready leaving the Service's set, a replaced pod found at once; the
// pod DNS fields (setHostnameAsFQDN, dnsConfig, dnsPolicy None); a deleted
// namespace taking its objects and names with it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/api_server_process.h"
#include "integration-tests/harness/cluster_fixture.h"
#include "services/dns/fake_upstream.h"

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

// Issue 21 item 4: the pod DNS fields of "DNS for Services and Pods".
TEST_F(DnsTest, SetHostnameAsFqdnAndDnsConfigShapeThePodsNames) {
  Apply(R"(apiVersion: v1
kind: Pod
metadata: {name: fqdn}
spec:
  hostname: box
  subdomain: nginx
  setHostnameAsFQDN: true
  dnsConfig:
    searches: [my.dns.search.suffix]
    options: [{name: ndots, value: "2"}, {name: edns0}]
  containers: [{name: c, image: sh, command: ["sh", "-c", "exec sleep 100000"]}]
)");
  ASSERT_TRUE(WaitReady("fqdn"));
  CommandResult hostname = Ordoctl({"exec", "fqdn", "--", "hostname"});
  EXPECT_EQ(hostname.out, "box.nginx.default.svc.cluster.local\n") << hostname.err;
  CommandResult resolv = Ordoctl({"exec", "fqdn", "--", "cat", "/etc/resolv.conf"});
  EXPECT_THAT(resolv.out, ::testing::StartsWith("search default.svc.cluster.local "
                                                "svc.cluster.local cluster.local"));
  EXPECT_THAT(resolv.out, ::testing::HasSubstr(" my.dns.search.suffix\nnameserver "));
  EXPECT_THAT(resolv.out, ::testing::EndsWith("\noptions ndots:2 edns0\n"));

  // An FQDN the kernel cannot take keeps the pod from starting, and says why.
  Apply(R"(apiVersion: v1
kind: Pod
metadata: {name: long}
spec:
  hostname: box
  subdomain: a-very-long-subdomain-name-for-this-set
  setHostnameAsFQDN: true
  containers: [{name: c, image: sh, command: ["sh", "-c", "exec sleep 100000"]}]
)");
  EXPECT_TRUE(WaitFor(
      [&] {
        auto pod = GetPod("long");
        return pod.has_value() && pod->status().container_statuses_size() == 1 &&
               absl::StrContains(pod->status().container_statuses(0).state().waiting().message(),
                                 "is too long (64 characters is the max");
      },
      absl::Seconds(20)));
  CommandResult none = Ordoctl({"apply", "-f", "-"}, R"(apiVersion: v1
kind: Pod
metadata: {name: nodns}
spec:
  dnsPolicy: None
  containers: [{name: c, image: sh}]
)");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_THAT(none.err,
              ::testing::HasSubstr("spec.dnsConfig: Required value: must provide `dnsConfig` when "
                                   "`dnsPolicy` is None"));
}

// Issue 21 item 2: deleting a namespace deletes what is in it, its DNS
// names with its Services, and then the namespace itself.
TEST_F(DnsTest, DeletingANamespaceDeletesItsObjectsAndTheirNames) {
  Apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n");
  std::string web = absl::StrReplaceAll(kWeb, {{"replicas: 3", "replicas: 1"}});
  CommandResult applied = Ordoctl({"apply", "-n", "team", "-f", "-"}, web);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto pod = pods_->Get("team", "web-0");
        return pod.ok() && Ready(*pod);
      },
      absl::Seconds(60)));
  ASSERT_TRUE(WaitFor([&] { return Status("web-0.nginx.team.svc.cluster.local") == "NOERROR"; },
                      absl::Seconds(10)));

  CommandResult deleted = Ordoctl({"delete", "namespace", "team", "--timeout", "120s"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(deleted.out, "namespace \"team\" deleted\n");
  EXPECT_EQ(Ordoctl({"get", "namespace", "team"}).exit_code, 1) << "the namespace is gone";
  EXPECT_EQ(pods_->Get("team", "web-0").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Ordoctl({"get", "statefulsets,services,pvc", "-n", "team", "-o", "name"}).out, "\n\n");
  EXPECT_TRUE(WaitFor([&] { return Status("web-0.nginx.team.svc.cluster.local") == "NXDOMAIN"; },
                      absl::Seconds(10)));
}

// Issue 21 item 7 (in the zone): an ExternalName naming a cluster Service
// answers the CNAME and the target's addresses, so getent in a pod finds it.
TEST_F(DnsTest, AnExternalNameToAClusterServiceResolvesInAPod) {
  Apply(kWeb);
  Apply(
      "apiVersion: v1\nkind: Service\nmetadata: {name: alias}\nspec: {type: ExternalName, "
      "externalName: web-1.nginx.default.svc.cluster.local}\n");
  ASSERT_TRUE(WaitAllReady());
  ASSERT_TRUE(WaitFor(
      [&] {
        return Dig("alias.default.svc.cluster.local") ==
               std::vector<std::string>{IpOf("web-1"), "web-1.nginx.default.svc.cluster.local."};
      },
      absl::Seconds(10)))
      << absl::StrJoin(Dig("alias.default.svc.cluster.local"), " ");
  CommandResult inside = Ordoctl({"exec", "web-0", "--", "getent", "hosts", "alias"});
  EXPECT_EQ(inside.exit_code, 0) << inside.err;
  EXPECT_TRUE(absl::StartsWith(inside.out, IpOf("web-1") + " ")) << inside.out;
}

// Issue 21 item 1: Services get a cluster IP from the service range, their
// names answer it, and the kubernetes Service names the api-server.
TEST_F(DnsTest, ServicesGetAClusterIpThatTheirNamesAnswer) {
  Apply(kWeb);
  Apply(
      "apiVersion: v1\nkind: Service\nmetadata: {name: front}\nspec:\n  selector: {app: "
      "nginx}\n  ports: [{name: web, port: 80}]\n");
  CommandResult ip = Ordoctl({"get", "svc", "front", "-o", "jsonpath={.spec.clusterIP}"});
  ASSERT_EQ(ip.exit_code, 0) << ip.err;
  EXPECT_TRUE(absl::StartsWith(ip.out, "10.")) << ip.out;
  EXPECT_TRUE(WaitFor(
      [&] { return Dig("front.default.svc.cluster.local") == std::vector<std::string>{ip.out}; },
      absl::Seconds(10)));
  EXPECT_EQ(Dig("kubernetes.default.svc.cluster.local"), std::vector<std::string>{"10.96.0.1"});
  CommandResult taken = Ordoctl(
      {"apply", "-f", "-"},
      absl::StrCat("apiVersion: v1\nkind: Service\nmetadata: {name: copy}\nspec:\n  clusterIP: ",
                   ip.out, "\n  ports: [{port: 80}]\n"));
  EXPECT_EQ(taken.exit_code, 1);
  EXPECT_THAT(taken.err, ::testing::HasSubstr("provided IP is already allocated"));
  // Once the Service goes, its address may be asked for again.
  ASSERT_EQ(Ordoctl({"delete", "svc", "front"}).exit_code, 0);
  taken = Ordoctl({"apply", "-f", "-"},
                  absl::StrCat("apiVersion: v1\nkind: Service\nmetadata: {name: copy}\nspec:\n"
                               "  clusterIP: ",
                               ip.out, "\n  ports: [{port: 80}]\n"));
  EXPECT_EQ(taken.exit_code, 0) << taken.err;
}

// Issue 21 item 7 (outside the zone), against the real ordo-dns and
// api-server: the DNS specification's example, an ExternalName whose target
// the upstream resolves, answers the whole chain to a recursive query.
TEST(OrdoDnsUpstreamTest, AnOutsideExternalNameTargetIsResolvedThroughTheUpstream) {
  ordo::testing::TempDir dir;
  auto api = ApiServerProcess::Start(dir.Join("api"));
  ASSERT_TRUE(api.ok()) << api.status();
  dns::testing::FakeUpstream upstream;
  std::string port_file = dir.Join("dns.port");
  auto dns = Process::Start(
      BinDir() + "/ordo-dns",
      {"--server=" + (*api)->address(), "--kubeconfig=" + (*api)->pki_dir() + "/admin.kubeconfig",
       "--listen=127.0.0.1:0", "--port_file=" + port_file, "--upstream=" + upstream.address()},
      dir.Join("dns.log"));
  ASSERT_TRUE(dns.ok()) << dns.status();
  ASSERT_TRUE(WaitFor([&] { return !ReadLine(port_file).empty(); }, absl::Seconds(20)))
      << ordo::testing::ReadFile(dir.Join("dns.log"));
  CommandResult applied =
      RunCommand(BinDir() + "/ordoctl", {"apply", "-f", "-"}, (*api)->OrdoctlEnv(),
                 "apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec: {type: ExternalName, "
                 "externalName: example.org}\n");
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  std::string out;
  EXPECT_TRUE(WaitFor(
      [&] {
        out = RunCommand("/usr/bin/dig", {"@127.0.0.1", "-p", ReadLine(port_file), "+short",
                                          "+tries=1", "ext.default.svc.cluster.local"})
                  .out;
        return out == "example.org.\nwww.example.org.\n192.0.2.7\n";
      },
      absl::Seconds(20)))
      << out;
  // Without recursion desired, the answer stops at the CNAME.
  EXPECT_EQ(RunCommand("/usr/bin/dig", {"@127.0.0.1", "-p", ReadLine(port_file), "+short",
                                        "+norecurse", "ext.default.svc.cluster.local"})
                .out,
            "example.org.\n");
  dns->Stop();
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

// How soon the name follows is a figure for the DNS benchmark, not this test:
// here the new address must replace the old one, however loaded the machine.
TEST_F(DnsTest, AReplacedPodIsFoundByItsNewAddressOnceReady) {
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
  EXPECT_TRUE(WaitFor(
      [&] { return Dig("web-2.nginx.default.svc.cluster.local") == std::vector<std::string>{ip}; },
      absl::Seconds(30)));
}

}  // namespace
}  // namespace ordo::itest
