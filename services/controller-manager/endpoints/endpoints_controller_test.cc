// What the endpoints controller publishes for a Service (dns.md §1.2).
#include "services/controller-manager/endpoints/endpoints_controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ordo::endpoints {
namespace {

using core::v1::Pod;
using core::v1::Service;

Service Headless(bool publish_not_ready = false) {
  Service svc;
  svc.mutable_metadata()->set_name("nginx");
  svc.mutable_metadata()->set_namespace_("default");
  svc.mutable_spec()->set_cluster_ip("None");
  (*svc.mutable_spec()->mutable_selector())["app"] = "nginx";
  auto* port = svc.mutable_spec()->add_ports();
  port->set_name("web");
  port->set_port(80);
  port->mutable_target_port()->set_string_value("web");
  svc.mutable_spec()->set_publish_not_ready_addresses(publish_not_ready);
  return svc;
}

std::shared_ptr<const Pod> MakePod(const std::string& name, const std::string& ip, bool ready,
                                   const std::string& subdomain = "nginx", int port = 8080) {
  auto pod = std::make_shared<Pod>();
  pod->mutable_metadata()->set_name(name);
  pod->mutable_metadata()->set_namespace_("default");
  (*pod->mutable_metadata()->mutable_labels())["app"] = "nginx";
  pod->mutable_spec()->set_hostname(name);
  pod->mutable_spec()->set_subdomain(subdomain);
  auto* c = pod->mutable_spec()->add_containers();
  auto* p = c->add_ports();
  p->set_name("web");
  p->set_container_port(port);
  pod->mutable_status()->set_phase("Running");
  pod->mutable_status()->set_pod_ip(ip);
  auto* cond = pod->mutable_status()->add_conditions();
  cond->set_type("Ready");
  cond->set_status(ready ? "True" : "False");
  return pod;
}

TEST(DesiredSubsetsTest, ReadyAndNotReadyWithHostnamesAndNamedPorts) {
  auto subsets = DesiredSubsets(
      Headless(), {MakePod("web-1", "127.2.2.2", false), MakePod("web-0", "127.2.1.2", true)});
  ASSERT_EQ(subsets.size(), 1u);
  ASSERT_EQ(subsets[0].addresses_size(), 1);
  EXPECT_EQ(subsets[0].addresses(0).ip(), "127.2.1.2");
  EXPECT_EQ(subsets[0].addresses(0).hostname(), "web-0");
  EXPECT_EQ(subsets[0].addresses(0).target_ref().name(), "web-0");
  ASSERT_EQ(subsets[0].not_ready_addresses_size(), 1);
  EXPECT_EQ(subsets[0].not_ready_addresses(0).hostname(), "web-1");
  ASSERT_EQ(subsets[0].ports_size(), 1);
  EXPECT_EQ(subsets[0].ports(0).port(), 8080);  // the named container port
  EXPECT_EQ(subsets[0].ports(0).name(), "web");
  EXPECT_EQ(subsets[0].ports(0).protocol(), "TCP");
}

TEST(DesiredSubsetsTest, HostnameOnlyUnderTheServiceTheSubdomainNames) {
  auto subsets = DesiredSubsets(Headless(), {MakePod("web-0", "127.2.1.2", true, "other")});
  ASSERT_EQ(subsets.size(), 1u);
  EXPECT_EQ(subsets[0].addresses(0).hostname(), "");
}

TEST(DesiredSubsetsTest, PublishNotReadyAddressesMakesEveryPodReadyEvenTerminating) {
  auto terminating = std::make_shared<Pod>(*MakePod("web-2", "127.2.3.2", true));
  terminating->mutable_metadata()->mutable_deletion_timestamp()->set_seconds(1);
  auto subsets =
      DesiredSubsets(Headless(true), {MakePod("web-1", "127.2.2.2", false), terminating});
  ASSERT_EQ(subsets.size(), 1u);
  EXPECT_EQ(subsets[0].addresses_size(), 2);
  EXPECT_EQ(subsets[0].not_ready_addresses_size(), 0);
  // Without it, a terminating pod is left out altogether.
  subsets = DesiredSubsets(Headless(false), {terminating});
  EXPECT_TRUE(subsets.empty());
}

TEST(DesiredSubsetsTest, PodsWithoutAnIpOrAPortOrTheLabelsAreLeftOut) {
  auto no_ip = std::make_shared<Pod>(*MakePod("a", "", true));
  auto other = std::make_shared<Pod>(*MakePod("b", "127.2.1.3", true));
  (*other->mutable_metadata()->mutable_labels())["app"] = "db";
  auto no_port = std::make_shared<Pod>(*MakePod("c", "127.2.1.4", true));
  no_port->mutable_spec()->mutable_containers(0)->mutable_ports(0)->set_name("http");
  auto finished = std::make_shared<Pod>(*MakePod("d", "127.2.1.5", false));
  finished->mutable_status()->set_phase("Succeeded");
  EXPECT_TRUE(DesiredSubsets(Headless(), {no_ip, other, no_port, finished}).empty());
}

TEST(DesiredSubsetsTest, PodsWithDifferentPortsGoToDifferentSubsets) {
  auto subsets = DesiredSubsets(Headless(), {MakePod("web-0", "127.2.1.2", true, "nginx", 8080),
                                             MakePod("web-1", "127.2.2.2", true, "nginx", 9090)});
  EXPECT_EQ(subsets.size(), 2u);
}

}  // namespace
}  // namespace ordo::endpoints
