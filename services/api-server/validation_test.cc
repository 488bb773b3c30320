// Validation and defaulting tables for every kind: each case breaks one field
// of a valid object and expects that field to be named.
#include "services/api-server/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/quantity/quantity.h"
#include "services/api-server/defaults.h"

namespace ordo::apiserver {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> Fields(const FieldErrors& errs) {
  std::vector<std::string> out;
  for (const auto& e : errs) out.push_back(e.field);
  return out;
}

std::string Text(const FieldErrors& errs) {
  std::string out;
  for (const auto& e : errs) out += e.ToString() + "\n";
  return out;
}

core::v1::PodSpec GoodPodSpec() {
  core::v1::PodSpec spec;
  auto* c = spec.add_containers();
  c->set_name("app");
  c->set_image("ordo-podapp");
  auto* port = c->add_ports();
  port->set_name("web");
  port->set_container_port(80);
  auto* v = spec.add_volumes();
  v->set_name("scratch");
  v->mutable_empty_dir();
  auto* m = c->add_volume_mounts();
  m->set_name("scratch");
  m->set_mount_path("/scratch");
  DefaultPodSpec(spec);
  return spec;
}

core::v1::Pod GoodPod() {
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name("web-0");
  pod.mutable_metadata()->set_namespace_("default");
  *pod.mutable_spec() = GoodPodSpec();
  return pod;
}

apps::v1::StatefulSet GoodSet() {
  apps::v1::StatefulSet set;
  set.mutable_metadata()->set_name("web");
  set.mutable_metadata()->set_namespace_("default");
  auto& spec = *set.mutable_spec();
  (*spec.mutable_selector()->mutable_match_labels())["app"] = "web";
  (*spec.mutable_template_()->mutable_metadata()->mutable_labels())["app"] = "web";
  *spec.mutable_template_()->mutable_spec() = GoodPodSpec();
  spec.set_service_name("nginx");
  auto* claim = spec.add_volume_claim_templates();
  claim->mutable_metadata()->set_name("www");
  claim->mutable_spec()->add_access_modes("ReadWriteOnce");
  (*claim->mutable_spec()->mutable_resources()->mutable_requests())["storage"] = "1Gi";
  auto* mount =
      spec.mutable_template_()->mutable_spec()->mutable_containers(0)->add_volume_mounts();
  mount->set_name("www");
  mount->set_mount_path("/data");
  DefaultStatefulSet(set);
  return set;
}

TEST(PodValidationTest, GoodPodPasses) { EXPECT_THAT(ValidatePod(GoodPod()), IsEmpty()); }

// The "DNS for Services and Pods" page's example, and an absolute search domain.
TEST(PodValidationTest, DnsPolicyNoneWithItsDnsConfigPasses) {
  core::v1::Pod pod = GoodPod();
  pod.mutable_spec()->set_dns_policy("None");
  pod.mutable_spec()->set_set_hostname_as_fqdn(true);
  auto* dns = pod.mutable_spec()->mutable_dns_config();
  dns->add_nameservers("192.0.2.1");
  dns->add_nameservers("2001:db8::53");
  dns->add_searches("ns1.svc.cluster-domain.example");
  dns->add_searches("my.dns.search.suffix.");
  auto* ndots = dns->add_options();
  ndots->set_name("ndots");
  ndots->set_value("2");
  dns->add_options()->set_name("edns0");
  EXPECT_THAT(ValidatePod(pod), IsEmpty());
}

TEST(PodValidationTest, EachBrokenFieldIsNamed) {
  struct Case {
    std::function<void(core::v1::Pod&)> br;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](auto& p) { p.mutable_metadata()->set_name("Bad_Name"); }, "metadata.name"},
      {[](auto& p) { p.mutable_metadata()->clear_name(); }, "metadata.name"},
      {[](auto& p) { p.mutable_spec()->clear_containers(); }, "spec.containers"},
      {[](auto& p) { p.mutable_spec()->mutable_containers(0)->set_name("UPPER"); },
       "spec.containers[0].name"},
      {[](auto& p) { p.mutable_spec()->mutable_containers(0)->clear_image(); },
       "spec.containers[0].image"},
      {[](auto& p) {
         p.mutable_spec()->mutable_containers(0)->mutable_ports(0)->set_container_port(70000);
       },
       "spec.containers[0].ports[0].containerPort"},
      {[](auto& p) {
         p.mutable_spec()->mutable_containers(0)->mutable_ports(0)->set_protocol("ICMP");
       },
       "spec.containers[0].ports[0].protocol"},
      {[](auto& p) { p.mutable_spec()->mutable_containers(0)->add_env()->set_name("1BAD"); },
       "spec.containers[0].env[0].name"},
      {[](auto& p) {
         p.mutable_spec()->mutable_containers(0)->mutable_volume_mounts(0)->set_name("nope");
       },
       "spec.containers[0].volumeMounts[0].name"},
      {[](auto& p) {
         (*p.mutable_spec()
               ->mutable_containers(0)
               ->mutable_resources()
               ->mutable_requests())["cpu"] = "lots";
       },
       "spec.containers[0].resources.requests[cpu]"},
      {[](auto& p) { p.mutable_spec()->mutable_containers(0)->mutable_readiness_probe(); },
       "spec.containers[0].readinessProbe"},
      {[](auto& p) {
         auto* probe = p.mutable_spec()->mutable_containers(0)->mutable_liveness_probe();
         probe->mutable_exec()->add_command("true");
         probe->mutable_tcp_socket()->mutable_port()->set_number_value(80);
       },
       "spec.containers[0].livenessProbe"},
      {[](auto& p) {
         p.mutable_spec()
             ->mutable_containers(0)
             ->mutable_startup_probe()
             ->mutable_http_get()
             ->mutable_port()
             ->set_number_value(0);
       },
       "spec.containers[0].startupProbe.httpGet.port"},
      {[](auto& p) { p.mutable_spec()->set_restart_policy("Sometimes"); }, "spec.restartPolicy"},
      {[](auto& p) { p.mutable_spec()->set_dns_policy("Nope"); }, "spec.dnsPolicy"},
      {[](auto& p) { p.mutable_spec()->set_dns_policy("None"); }, "spec.dnsConfig"},
      {[](auto& p) {
         p.mutable_spec()->set_dns_policy("None");
         p.mutable_spec()->mutable_dns_config()->add_searches("example.com");
       },
       "spec.dnsConfig.nameservers"},
      {[](auto& p) { p.mutable_spec()->mutable_dns_config()->add_nameservers("dns.example"); },
       "spec.dnsConfig.nameservers[0]"},
      {[](auto& p) {
         for (int i = 0; i < 4; ++i) {
           p.mutable_spec()->mutable_dns_config()->add_nameservers(absl::StrCat("192.0.2.", i));
         }
       },
       "spec.dnsConfig.nameservers"},
      {[](auto& p) { p.mutable_spec()->mutable_dns_config()->add_searches("Bad_Domain"); },
       "spec.dnsConfig.searches[0]"},
      {[](auto& p) {
         for (int i = 0; i < 33; ++i) {
           p.mutable_spec()->mutable_dns_config()->add_searches(absl::StrCat("d", i, ".example"));
         }
       },
       "spec.dnsConfig.searches"},
      {[](auto& p) { p.mutable_spec()->mutable_dns_config()->add_options()->set_value("2"); },
       "spec.dnsConfig.options[0]"},
      {[](auto& p) { p.mutable_spec()->set_termination_grace_period_seconds(-1); },
       "spec.terminationGracePeriodSeconds"},
      {[](auto& p) { p.mutable_spec()->set_hostname("Web.0"); }, "spec.hostname"},
      {[](auto& p) { p.mutable_spec()->set_subdomain("a_b"); }, "spec.subdomain"},
      {[](auto& p) { p.mutable_spec()->add_volumes()->set_name("scratch"); },
       "spec.volumes[1].name"},
      {[](auto& p) {
         auto* t = p.mutable_spec()->add_tolerations();
         t->set_key("k");
         t->set_operator_("Equal");
         t->set_effect("NoSchedule");
         t->set_toleration_seconds(5);
       },
       "spec.tolerations[0].effect"},
      {[](auto& p) { (*p.mutable_spec()->mutable_node_selector())["bad key"] = "x"; },
       "spec.nodeSelector"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    core::v1::Pod pod = GoodPod();
    cases[i].br(pod);
    EXPECT_THAT(Fields(ValidatePod(pod)), ::testing::Contains(cases[i].field)) << "case " << i;
  }
}

TEST(PodValidationTest, UpdateMayChangeOnlyImagesDeadlineAndAddTolerations) {
  core::v1::Pod old = GoodPod();
  core::v1::Pod updated = old;
  updated.mutable_spec()->mutable_containers(0)->set_image("ordo-podapp:2");
  updated.mutable_spec()->set_active_deadline_seconds(60);
  updated.mutable_spec()->add_tolerations()->set_operator_("Exists");
  EXPECT_THAT(ValidatePodUpdate(updated, old), IsEmpty());
  updated.mutable_spec()->set_node_name("elsewhere");
  EXPECT_THAT(Text(ValidatePodUpdate(updated, old)),
              HasSubstr("spec: Forbidden: pod updates may not change fields"));
}

TEST(StatefulSetValidationTest, GoodSetPasses) {
  EXPECT_THAT(ValidateStatefulSet(GoodSet()), IsEmpty()) << Text(ValidateStatefulSet(GoodSet()));
}

TEST(StatefulSetValidationTest, MessagesAreKubernetesWords) {
  struct Case {
    std::function<void(apps::v1::StatefulSet&)> br;
    std::string message;
  };
  std::vector<Case> cases = {
      {[](auto& s) { s.mutable_spec()->set_replicas(-1); },
       "spec.replicas: Invalid value: -1: must be greater than or equal to 0"},
      {[](auto& s) { s.mutable_spec()->set_min_ready_seconds(-1); },
       "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"},
      {[](auto& s) { s.mutable_spec()->mutable_ordinals()->set_start(-1); },
       "spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0"},
      {[](auto& s) {
         s.mutable_spec()->mutable_update_strategy()->mutable_rolling_update()->set_partition(-1);
       },
       "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or "
       "equal to 0"},
      {[](auto& s) { s.mutable_spec()->clear_selector(); }, "spec.selector: Required value"},
      {[](auto& s) { s.mutable_spec()->mutable_selector()->clear_match_labels(); },
       "spec.selector: Invalid value: empty selector is invalid for statefulset"},
      {[](auto& s) {
         (*s.mutable_spec()->mutable_template_()->mutable_metadata()->mutable_labels())["app"] =
             "other";
       },
       "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: "
       "`selector` does not match template `labels`"},
      {[](auto& s) { s.mutable_spec()->set_pod_management_policy("Foo"); },
       "spec.podManagementPolicy: Invalid value: \"Foo\": must be 'OrderedReady' or 'Parallel'"},
      {[](auto& s) { s.mutable_spec()->mutable_update_strategy()->set_type("Sideways"); },
       "spec.updateStrategy: Invalid value: \"Sideways\": must be 'RollingUpdate' or 'OnDelete'"},
      {[](auto& s) { s.mutable_spec()->mutable_update_strategy()->set_type("OnDelete"); },
       "spec.updateStrategy.rollingUpdate: Invalid value: only allowed for updateStrategy "
       "'RollingUpdate'"},
      {[](auto& s) {
         s.mutable_spec()
             ->mutable_update_strategy()
             ->mutable_rolling_update()
             ->mutable_max_unavailable()
             ->set_number_value(0);
       },
       "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0"},
      {[](auto& s) {
         s.mutable_spec()
             ->mutable_update_strategy()
             ->mutable_rolling_update()
             ->mutable_max_unavailable()
             ->set_string_value("150%");
       },
       "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be "
       "greater than 100%"},
      {[](auto& s) {
         s.mutable_spec()->mutable_persistent_volume_claim_retention_policy()->set_when_deleted(
             "Foo");
       },
       "spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Foo\": "
       "supported values: \"Retain\", \"Delete\""},
      {[](auto& s) {
         s.mutable_spec()->mutable_template_()->mutable_spec()->set_restart_policy("OnFailure");
       },
       "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: "
       "\"Always\""},
      {[](auto& s) {
         s.mutable_spec()->mutable_template_()->mutable_spec()->set_active_deadline_seconds(5);
       },
       "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in "
       "StatefulSet is not Supported"},
      {[](auto& s) { s.mutable_spec()->set_service_name("Bad.Name"); },
       "spec.serviceName: Invalid value: \"Bad.Name\""},
      {[](auto& s) { s.mutable_metadata()->set_name(std::string(53, 'w')); },
       "must be no more than 52 characters"},
      {[](auto& s) {
         (*s.mutable_spec()
               ->mutable_volume_claim_templates(0)
               ->mutable_spec()
               ->mutable_resources()
               ->mutable_requests())
             .erase("storage");
       },
       "spec.volumeClaimTemplates[0].spec.resources.requests[storage]: Required value"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    apps::v1::StatefulSet set = GoodSet();
    cases[i].br(set);
    EXPECT_THAT(Text(ValidateStatefulSet(set)), HasSubstr(cases[i].message)) << "case " << i;
  }
  apps::v1::StatefulSet ok52 = GoodSet();
  ok52.mutable_metadata()->set_name(std::string(52, 'w'));
  EXPECT_THAT(ValidateStatefulSet(ok52), IsEmpty());
}

TEST(StatefulSetValidationTest, ImmutableFieldsOnUpdate) {
  apps::v1::StatefulSet old = GoodSet();
  apps::v1::StatefulSet updated = old;
  updated.mutable_spec()->set_replicas(7);
  updated.mutable_spec()->set_min_ready_seconds(3);
  updated.mutable_spec()->set_revision_history_limit(2);          // beyond Kubernetes
  updated.mutable_spec()->set_pod_management_policy("Parallel");  // beyond Kubernetes
  updated.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->set_image(
      "v2");
  EXPECT_THAT(ValidateStatefulSetUpdate(updated, old), IsEmpty());
  for (auto br : std::vector<std::function<void(apps::v1::StatefulSet&)>>{
           [](auto& s) { s.mutable_spec()->set_service_name("other"); },
           [](auto& s) {
             (*s.mutable_spec()->mutable_selector()->mutable_match_labels())["x"] = "y";
           },
           [](auto& s) {
             s.mutable_spec()->mutable_volume_claim_templates(0)->mutable_metadata()->set_name(
                 "data");
           },
       }) {
    apps::v1::StatefulSet bad = old;
    br(bad);
    EXPECT_THAT(Text(ValidateStatefulSetUpdate(bad, old)),
                HasSubstr("spec: Forbidden: updates to statefulset spec for fields other than"));
  }
}

TEST(StatefulSetValidationTest, StatusRules) {
  apps::v1::StatefulSet old = GoodSet();
  old.mutable_status()->set_collision_count(2);
  apps::v1::StatefulSet updated = old;
  updated.mutable_status()->set_replicas(3);
  updated.mutable_status()->set_ready_replicas(3);
  updated.mutable_status()->set_available_replicas(2);
  EXPECT_THAT(ValidateStatefulSetStatus(updated, old), IsEmpty());
  updated.mutable_status()->set_available_replicas(4);
  updated.mutable_status()->set_collision_count(1);
  std::string text = Text(ValidateStatefulSetStatus(updated, old));
  EXPECT_THAT(text, HasSubstr("status.availableReplicas"));
  EXPECT_THAT(text, HasSubstr("status.collisionCount: Invalid value: 1: cannot be decremented"));
}

TEST(StatefulSetDefaultsTest, AsTheReferenceLists) {
  apps::v1::StatefulSet set;
  DefaultStatefulSet(set);
  const auto& s = set.spec();
  EXPECT_EQ(s.replicas(), 1);
  EXPECT_EQ(s.revision_history_limit(), 10);
  EXPECT_EQ(s.pod_management_policy(), "OrderedReady");
  EXPECT_EQ(s.update_strategy().type(), "RollingUpdate");
  EXPECT_TRUE(s.update_strategy().has_rolling_update());
  EXPECT_EQ(s.update_strategy().rolling_update().partition(), 0);
  EXPECT_EQ(s.update_strategy().rolling_update().max_unavailable().number_value(), 1);
  EXPECT_EQ(s.persistent_volume_claim_retention_policy().when_deleted(), "Retain");
  EXPECT_EQ(s.persistent_volume_claim_retention_policy().when_scaled(), "Retain");
  EXPECT_EQ(s.template_().spec().restart_policy(), "Always");
  // type given without rollingUpdate: the pointer stays unset (reference §1.3 step 3).
  apps::v1::StatefulSet explicit_type;
  explicit_type.mutable_spec()->mutable_update_strategy()->set_type("RollingUpdate");
  DefaultStatefulSet(explicit_type);
  EXPECT_FALSE(explicit_type.spec().update_strategy().has_rolling_update());
  // Given values are kept.
  apps::v1::StatefulSet given;
  given.mutable_spec()->set_replicas(0);
  given.mutable_spec()->set_revision_history_limit(0);
  DefaultStatefulSet(given);
  EXPECT_EQ(given.spec().replicas(), 0);
  EXPECT_EQ(given.spec().revision_history_limit(), 0);
}

TEST(PodDefaultsTest, AsKubernetes) {
  core::v1::PodSpec spec;
  auto* c = spec.add_containers();
  c->set_image("busybox");
  c->add_ports()->set_container_port(80);
  c->mutable_readiness_probe()->mutable_http_get();
  spec.add_volumes()->set_name("v");
  DefaultPodSpec(spec);
  EXPECT_EQ(spec.restart_policy(), "Always");
  EXPECT_EQ(spec.dns_policy(), "ClusterFirst");
  EXPECT_EQ(spec.termination_grace_period_seconds(), 30);
  EXPECT_EQ(spec.scheduler_name(), "default-scheduler");
  EXPECT_EQ(c->image_pull_policy(), "Always");  // untagged image
  EXPECT_EQ(c->ports(0).protocol(), "TCP");
  EXPECT_EQ(c->readiness_probe().period_seconds(), 10);
  EXPECT_EQ(c->readiness_probe().timeout_seconds(), 1);
  EXPECT_EQ(c->readiness_probe().failure_threshold(), 3);
  EXPECT_EQ(c->readiness_probe().http_get().path(), "/");
  EXPECT_TRUE(spec.volumes(0).has_empty_dir());
}

TEST(CoreValidationTest, ServicesEndpointsVolumesAndClaims) {
  core::v1::Service svc;
  svc.mutable_metadata()->set_name("nginx");
  svc.mutable_metadata()->set_namespace_("default");
  auto* port = svc.mutable_spec()->add_ports();
  port->set_name("web");
  port->set_port(80);
  svc.mutable_spec()->set_cluster_ip("None");
  DefaultService(svc);
  EXPECT_THAT(ValidateService(svc), IsEmpty());
  EXPECT_EQ(svc.spec().ports(0).target_port().number_value(), 80);
  core::v1::Service bad = svc;
  bad.mutable_metadata()->set_name("1nginx");  // DNS-1035: must start with a letter
  bad.mutable_spec()->mutable_ports(0)->set_port(0);
  bad.mutable_spec()->set_cluster_ip("10.0.0.300");
  EXPECT_THAT(Fields(ValidateService(bad)),
              ::testing::IsSupersetOf({"metadata.name", "spec.ports[0].port", "spec.clusterIP"}));
  core::v1::Service changed = svc;
  changed.mutable_spec()->set_cluster_ip("10.0.0.1");
  EXPECT_THAT(Fields(ValidateServiceUpdate(changed, svc)), ::testing::Contains("spec.clusterIP"));

  core::v1::Endpoints ep;
  ep.mutable_metadata()->set_name("nginx");
  ep.mutable_metadata()->set_namespace_("default");
  auto* addr = ep.add_subsets()->add_addresses();
  addr->set_ip("not-an-ip");
  addr->set_hostname("web-0");
  EXPECT_THAT(Fields(ValidateEndpoints(ep)), ::testing::Contains("subsets[0].addresses[0].ip"));

  core::v1::PersistentVolume pv;
  pv.mutable_metadata()->set_name("pv-1");
  DefaultPersistentVolume(pv);
  EXPECT_THAT(Fields(ValidatePersistentVolume(pv)),
              ::testing::IsSupersetOf({"spec.capacity[storage]", "spec.accessModes", "spec"}));
  (*pv.mutable_spec()->mutable_capacity())["storage"] = "1Gi";
  pv.mutable_spec()->add_access_modes("ReadWriteOnce");
  pv.mutable_spec()->mutable_local()->set_path("/data/pv-1");
  EXPECT_THAT(Fields(ValidatePersistentVolume(pv)), ::testing::ElementsAre("spec.nodeAffinity"));
  pv.mutable_spec()->clear_local();
  pv.mutable_spec()->mutable_host_path()->set_path("/data/pv-1");
  EXPECT_THAT(ValidatePersistentVolume(pv), IsEmpty());

  core::v1::PersistentVolumeClaim pvc;
  pvc.mutable_metadata()->set_name("www-web-0");
  pvc.mutable_metadata()->set_namespace_("default");
  pvc.mutable_spec()->add_access_modes("ReadWriteOnce");
  (*pvc.mutable_spec()->mutable_resources()->mutable_requests())["storage"] = "1Gi";
  EXPECT_THAT(ValidatePersistentVolumeClaim(pvc), IsEmpty());
  core::v1::PersistentVolumeClaim resized = pvc;
  (*resized.mutable_spec()->mutable_resources()->mutable_requests())["storage"] = "2Gi";
  resized.mutable_spec()->set_volume_name("pv-1");  // binding an unbound claim
  EXPECT_THAT(ValidatePersistentVolumeClaimUpdate(resized, pvc), IsEmpty());
  core::v1::PersistentVolumeClaim remoded = pvc;
  remoded.mutable_spec()->set_access_modes(0, "ReadWriteMany");
  EXPECT_THAT(Fields(ValidatePersistentVolumeClaimUpdate(remoded, pvc)),
              ::testing::Contains("spec"));
}

TEST(ClusterValidationTest, StorageClassBudgetLeaseNamespaceNode) {
  storage::v1::StorageClass sc;
  sc.mutable_metadata()->set_name("local-path");
  sc.set_provisioner("ordo.dev/local-path");
  DefaultStorageClass(sc);
  EXPECT_EQ(sc.reclaim_policy(), "Delete");
  EXPECT_EQ(sc.volume_binding_mode(), "Immediate");
  EXPECT_THAT(ValidateStorageClass(sc), IsEmpty());
  storage::v1::StorageClass changed = sc;
  changed.set_volume_binding_mode("WaitForFirstConsumer");
  EXPECT_THAT(Fields(ValidateStorageClassUpdate(changed, sc)),
              ::testing::Contains("volumeBindingMode"));

  policy::v1::PodDisruptionBudget pdb;
  pdb.mutable_metadata()->set_name("web");
  pdb.mutable_metadata()->set_namespace_("default");
  pdb.mutable_spec()->mutable_min_available()->set_number_value(2);
  EXPECT_THAT(ValidatePodDisruptionBudget(pdb), IsEmpty());
  pdb.mutable_spec()->mutable_max_unavailable()->set_string_value("50%");
  EXPECT_THAT(Text(ValidatePodDisruptionBudget(pdb)),
              HasSubstr("minAvailable and maxUnavailable cannot be both set"));
  pdb.mutable_spec()->clear_min_available();
  pdb.mutable_spec()->mutable_max_unavailable()->set_string_value("fifty");
  EXPECT_THAT(Fields(ValidatePodDisruptionBudget(pdb)), ::testing::Contains("spec.maxUnavailable"));

  coordination::v1::Lease lease;
  lease.mutable_metadata()->set_name("node-a");
  lease.mutable_metadata()->set_namespace_("kube-node-lease");
  lease.mutable_spec()->set_lease_duration_seconds(0);
  EXPECT_THAT(Fields(ValidateLease(lease)), ::testing::Contains("spec.leaseDurationSeconds"));

  core::v1::Namespace ns;
  ns.mutable_metadata()->set_name("a.b");
  EXPECT_THAT(Fields(ValidateNamespace(ns)), ::testing::Contains("metadata.name"));

  core::v1::Node node;
  node.mutable_metadata()->set_name("node-a");
  auto* taint = node.mutable_spec()->add_taints();
  taint->set_key("node.kubernetes.io/unreachable");
  taint->set_effect("NoRun");
  (*node.mutable_status()->mutable_capacity())["cpu"] = "2";
  EXPECT_THAT(Fields(ValidateNode(node)), ::testing::ElementsAre("spec.taints[0].effect"));
}

TEST(AppsValidationTest, ControllerRevisionDataIsImmutable) {
  apps::v1::ControllerRevision rev;
  rev.mutable_metadata()->set_name("web-7d9f8c6b5");
  rev.mutable_metadata()->set_namespace_("default");
  rev.set_revision(1);
  (*rev.mutable_data()->mutable_fields())["spec"].set_string_value("a");
  EXPECT_THAT(ValidateControllerRevision(rev), IsEmpty());
  apps::v1::ControllerRevision bumped = rev;
  bumped.set_revision(2);  // the revision number may move (a rollback)
  EXPECT_THAT(ValidateControllerRevisionUpdate(bumped, rev), IsEmpty());
  apps::v1::ControllerRevision edited = rev;
  (*edited.mutable_data()->mutable_fields())["spec"].set_string_value("b");
  EXPECT_THAT(Text(ValidateControllerRevisionUpdate(edited, rev)),
              HasSubstr("data: Invalid value: field is immutable"));
  rev.set_revision(-1);
  EXPECT_THAT(Fields(ValidateControllerRevision(rev)), ::testing::Contains("revision"));
}

TEST(CoreValidationTest, EventsNameWhatTheyAreAbout) {
  core::v1::Event event;
  event.mutable_metadata()->set_name("web.17a2b");
  event.mutable_metadata()->set_namespace_("default");
  event.mutable_involved_object()->set_kind("StatefulSet");
  event.mutable_involved_object()->set_name("web");
  event.set_type("Normal");
  EXPECT_THAT(ValidateEvent(event), IsEmpty());
  event.set_type("Loud");
  event.mutable_involved_object()->clear_name();
  EXPECT_THAT(Fields(ValidateEvent(event)),
              ::testing::IsSupersetOf({"involvedObject.name", "type"}));
}

TEST(CoreDefaultsTest, VolumesClaimsEndpoints) {
  core::v1::PersistentVolume pv;
  DefaultPersistentVolume(pv);
  EXPECT_EQ(pv.spec().persistent_volume_reclaim_policy(), "Retain");
  EXPECT_EQ(pv.spec().volume_mode(), "Filesystem");
  core::v1::PersistentVolumeClaim pvc;
  DefaultPersistentVolumeClaim(pvc);
  EXPECT_EQ(pvc.spec().volume_mode(), "Filesystem");
  EXPECT_FALSE(pvc.spec().has_storage_class_name()) << "unset means the default class";
  core::v1::Endpoints ep;
  ep.add_subsets()->add_ports()->set_port(80);
  DefaultEndpoints(ep);
  EXPECT_EQ(ep.subsets(0).ports(0).protocol(), "TCP");
  core::v1::Service svc;
  svc.mutable_spec()->add_ports()->set_port(8080);
  DefaultService(svc);
  EXPECT_EQ(svc.spec().type(), "ClusterIP");
  EXPECT_EQ(svc.spec().session_affinity(), "None");
  EXPECT_EQ(svc.spec().ports(0).protocol(), "TCP");
  EXPECT_EQ(svc.spec().ports(0).target_port().number_value(), 8080);
}

TEST(QuantityTest, AcceptsKubernetesQuantities) {
  for (const char* ok : {"1", "1Gi", "500m", "1.5", "2e3", "0.5Ki", "100M", ".5"}) {
    EXPECT_TRUE(quantity::IsWellFormed(ok)) << ok;
  }
  for (const char* bad : {"", "Gi", "1 Gi", "1gi", "lots", "1.2.3"}) {
    EXPECT_FALSE(quantity::IsWellFormed(bad)) << bad;
  }
}

}  // namespace
}  // namespace ordo::apiserver
