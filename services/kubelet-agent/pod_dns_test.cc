#include "services/kubelet-agent/pod_dns.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace ordo::kubelet {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

core::v1::Pod WebPod() {
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name("web-0");
  pod.mutable_metadata()->set_namespace_("default");
  pod.mutable_spec()->set_hostname("web-0");
  pod.mutable_spec()->set_subdomain("nginx");
  pod.mutable_spec()->set_dns_policy("ClusterFirst");
  return pod;
}

const ResolvConf kHost = ParseResolvConf(
    "# the node's\nnameserver 192.0.2.1\nnameserver 192.0.2.2\nsearch corp.example lab.example\n"
    "options edns0 timeout:2\n");

TEST(PodDnsTest, ParsesTheNodesResolvConf) {
  EXPECT_THAT(kHost.nameservers, ElementsAre("192.0.2.1", "192.0.2.2"));
  EXPECT_THAT(kHost.searches, ElementsAre("corp.example", "lab.example"));
  EXPECT_THAT(kHost.options, ElementsAre("edns0", "timeout:2"));
}

TEST(PodDnsTest, ClusterFirstSearchesTheClusterThenTheNodesDomains) {
  ResolvConf conf = PodResolvConf(WebPod(), {"10.96.0.10"}, "cluster.local", kHost);
  EXPECT_EQ(FormatResolvConf(conf),
            "search default.svc.cluster.local svc.cluster.local cluster.local corp.example "
            "lab.example\nnameserver 10.96.0.10\noptions ndots:5\n");
  core::v1::Pod host_net = WebPod();
  host_net.mutable_spec()->set_dns_policy("ClusterFirstWithHostNet");
  EXPECT_EQ(FormatResolvConf(PodResolvConf(host_net, {"10.96.0.10"}, "cluster.local", kHost)),
            FormatResolvConf(conf));
}

TEST(PodDnsTest, DefaultAndClusterFirstWithoutClusterDnsTakeTheNodes) {
  core::v1::Pod pod = WebPod();
  pod.mutable_spec()->set_dns_policy("Default");
  std::string node =
      "search corp.example lab.example\nnameserver 192.0.2.1\nnameserver "
      "192.0.2.2\noptions edns0 timeout:2\n";
  EXPECT_EQ(FormatResolvConf(PodResolvConf(pod, {"10.96.0.10"}, "cluster.local", kHost)), node);
  EXPECT_EQ(FormatResolvConf(PodResolvConf(WebPod(), {}, "cluster.local", kHost)), node);
}

TEST(PodDnsTest, NoneTakesOnlyDnsConfigAndDnsConfigMergesIntoTheOthers) {
  core::v1::Pod pod = WebPod();
  pod.mutable_spec()->set_dns_policy("None");
  auto* extra = pod.mutable_spec()->mutable_dns_config();
  extra->add_nameservers("192.0.2.53");
  extra->add_searches("ns1.svc.cluster-domain.example");
  extra->add_searches("my.dns.search.suffix");
  auto* ndots = extra->add_options();
  ndots->set_name("ndots");
  ndots->set_value("2");
  extra->add_options()->set_name("edns0");
  // The docs page's own example.
  EXPECT_EQ(FormatResolvConf(PodResolvConf(pod, {"10.96.0.10"}, "cluster.local", kHost)),
            "search ns1.svc.cluster-domain.example my.dns.search.suffix\n"
            "nameserver 192.0.2.53\noptions ndots:2 edns0\n");

  pod.mutable_spec()->set_dns_policy("ClusterFirst");
  extra->add_nameservers("10.96.0.10");  // already there: once
  ResolvConf merged = PodResolvConf(pod, {"10.96.0.10"}, "cluster.local", kHost);
  EXPECT_THAT(merged.nameservers, ElementsAre("10.96.0.10", "192.0.2.53"));
  EXPECT_THAT(merged.options, ElementsAre("ndots:2", "edns0")) << "the pod's ndots wins";
  EXPECT_EQ(merged.searches.back(), "my.dns.search.suffix");
}

TEST(PodDnsTest, KeepsKubeletsLimits) {
  core::v1::Pod pod = WebPod();
  pod.mutable_spec()->set_dns_policy("None");
  auto* extra = pod.mutable_spec()->mutable_dns_config();
  for (int i = 0; i < 5; ++i) extra->add_nameservers(absl::StrCat("192.0.2.", i + 1));
  for (int i = 0; i < 40; ++i) extra->add_searches(absl::StrCat("d", i, ".example"));
  ResolvConf conf = PodResolvConf(pod, {}, "cluster.local", {});
  EXPECT_EQ(conf.nameservers.size(), 3u);
  EXPECT_EQ(conf.searches.size(), 32u);
}

TEST(PodDnsTest, HostnameFqdnAndHostsFile) {
  core::v1::Pod pod = WebPod();
  EXPECT_EQ(*KernelHostname(pod, "cluster.local"), "web-0");
  pod.mutable_spec()->set_set_hostname_as_fqdn(true);
  EXPECT_EQ(*KernelHostname(pod, "cluster.local"), "web-0.nginx.default.svc.cluster.local");
  EXPECT_THAT(PodHostsFile(pod, "10.0.0.10", "cluster.local"),
              HasSubstr("fe00::2\tip6-allrouters\n"
                        "10.0.0.10\tweb-0.nginx.default.svc.cluster.local\tweb-0\n"));

  pod.mutable_spec()->set_subdomain("a-very-long-subdomain-name-for-this-set");
  auto too_long = KernelHostname(pod, "cluster.local");
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_long.status().message(),
              HasSubstr("is too long (64 characters is the max, 71 characters requested)"));

  core::v1::Pod no_domain = WebPod();
  no_domain.mutable_spec()->clear_subdomain();
  no_domain.mutable_spec()->set_set_hostname_as_fqdn(true);
  EXPECT_EQ(*KernelHostname(no_domain, "cluster.local"), "web-0") << "no FQDN without a domain";
  EXPECT_THAT(PodHostsFile(no_domain, "10.0.0.10", "cluster.local"),
              HasSubstr("\n10.0.0.10\tweb-0\n"));

  core::v1::Pod long_name;
  long_name.mutable_metadata()->set_name(std::string(62, 'a') + "-b");
  EXPECT_EQ(HostnameOf(long_name, "cluster.local").hostname, std::string(62, 'a'))
      << "cut to 63 characters, without the trailing dash";
}

}  // namespace
}  // namespace ordo::kubelet
