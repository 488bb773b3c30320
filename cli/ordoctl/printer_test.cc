#include "cli/ordoctl/printer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "ordo/core/v1/core.pb.h"

namespace ordo::ctl {
namespace {

TEST(PrinterTest, ShortHumanDurationAsKubectl) {
  EXPECT_EQ(ShortHumanDuration(absl::Seconds(5)), "5s");
  EXPECT_EQ(ShortHumanDuration(absl::Seconds(119)), "119s");
  EXPECT_EQ(ShortHumanDuration(absl::Seconds(200)), "3m20s");
  EXPECT_EQ(ShortHumanDuration(absl::Minutes(45)), "45m");
  EXPECT_EQ(ShortHumanDuration(absl::Hours(5) + absl::Minutes(3)), "5h3m");
  EXPECT_EQ(ShortHumanDuration(absl::Hours(30)), "30h");
  EXPECT_EQ(ShortHumanDuration(absl::Hours(24 * 4)), "4d");
}

TEST(PrinterTest, PodTableWithWideColumns) {
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name("web-0");
  pod.mutable_metadata()->mutable_creation_timestamp()->set_seconds(1000);
  pod.mutable_spec()->add_containers()->set_name("app");
  pod.mutable_spec()->set_node_name("node-a");
  pod.mutable_status()->set_phase("Running");
  pod.mutable_status()->set_pod_ip("127.1.0.5");
  auto* cs = pod.mutable_status()->add_container_statuses();
  cs->set_ready(true);
  cs->set_restart_count(2);
  std::ostringstream out;
  PrintTable(out, api::ResourceFor("Pod"), {&pod},
             TableOptions{.wide = true, .now = absl::FromUnixSeconds(1000 + 65)});
  EXPECT_EQ(out.str(),
            "NAME    READY   STATUS    RESTARTS   AGE   IP          NODE\n"
            "web-0   1/1     Running   2          65s   127.1.0.5   node-a\n");
  EXPECT_EQ(TypedName(api::ResourceFor("StatefulSet"), "web"), "statefulset.apps/web");
  EXPECT_EQ(TypedName(api::ResourceFor("Pod"), "web-0"), "pod/web-0");
}

TEST(PrinterTest, ServiceAndVolumeColumnsAsKubectl) {
  core::v1::Service svc;
  svc.mutable_metadata()->set_name("nginx");
  svc.mutable_metadata()->mutable_creation_timestamp()->set_seconds(0);
  svc.mutable_spec()->set_type("ClusterIP");
  svc.mutable_spec()->set_cluster_ip("None");
  auto* port = svc.mutable_spec()->add_ports();
  port->set_port(80);
  port->set_protocol("TCP");
  std::ostringstream out;
  PrintTable(out, api::ResourceFor("Service"), {&svc},
             TableOptions{.with_namespace = true, .now = absl::FromUnixSeconds(30)});
  EXPECT_EQ(out.str(),
            "NAMESPACE   NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
            "            nginx   ClusterIP   None         <none>        80/TCP    30s\n");
  core::v1::PersistentVolume pv;
  pv.mutable_metadata()->set_name("pv-1");
  (*pv.mutable_spec()->mutable_capacity())["storage"] = "1Gi";
  pv.mutable_spec()->add_access_modes("ReadWriteOnce");
  pv.mutable_spec()->set_persistent_volume_reclaim_policy("Retain");
  pv.mutable_spec()->mutable_claim_ref()->set_namespace_("default");
  pv.mutable_spec()->mutable_claim_ref()->set_name("www-web-0");
  pv.mutable_status()->set_phase("Bound");
  std::ostringstream pv_out;
  PrintTable(pv_out, api::ResourceFor("PersistentVolume"), {&pv},
             TableOptions{.now = absl::FromUnixSeconds(0)});
  EXPECT_THAT(pv_out.str(),
              ::testing::HasSubstr("pv-1   1Gi        RWO            Retain           "
                                   "Bound    default/www-web-0"));
}

}  // namespace
}  // namespace ordo::ctl
