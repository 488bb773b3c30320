// Drives the real ordo-api-server binary through gRPC: CRUD, conflicts,
// selectors, defaulting of the Kubernetes docs' "web" StatefulSet, refusal of
// bad input with field-named errors, graceful deletion and finalizers.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/status/error_details.h"
#include "common/status/field_errors.h"
#include "common/status/grpc_status.h"
#include "common/testing/reflection_client.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/api_server_process.h"
#include "ordo/apps/v1/services.grpc.pb.h"
#include "ordo/core/v1/services.grpc.pb.h"

namespace ordo::itest {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Pair;

// The StatefulSet of the Kubernetes docs' StatefulSet tutorial, as JSON.
constexpr char kWebStatefulSet[] = R"json({
  "apiVersion": "apps/v1",
  "kind": "StatefulSet",
  "metadata": {"name": "web"},
  "spec": {
    "selector": {"matchLabels": {"app": "nginx"}},
    "serviceName": "nginx",
    "replicas": 3,
    "minReadySeconds": 10,
    "template": {
      "metadata": {"labels": {"app": "nginx"}},
      "spec": {
        "terminationGracePeriodSeconds": 10,
        "containers": [{
          "name": "nginx",
          "image": "registry.k8s.io/nginx-slim:0.24",
          "ports": [{"containerPort": 80, "name": "web"}],
          "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]
        }]
      }
    },
    "volumeClaimTemplates": [{
      "metadata": {"name": "www"},
      "spec": {
        "accessModes": ["ReadWriteOnce"],
        "storageClassName": "my-storage-class",
        "resources": {"requests": {"storage": "1Gi"}}
      }
    }]
  }
})json";

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

apps::v1::StatefulSet WebSet() {
  apps::v1::StatefulSet set;
  auto parsed = google::protobuf::util::JsonStringToMessage(kWebStatefulSet, &set);
  EXPECT_TRUE(parsed.ok()) << parsed.ToString();
  return set;
}

core::v1::Pod MakePod(const std::string& name, const std::string& app) {
  core::v1::Pod pod;
  pod.mutable_metadata()->set_name(name);
  (*pod.mutable_metadata()->mutable_labels())["app"] = app;
  auto* c = pod.mutable_spec()->add_containers();
  c->set_name("main");
  c->set_image("ordo-podapp");
  return pod;
}

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ApiServerProcess::Start(dir_.path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto channel = server_->NewChannel();
    pods_ = core::v1::Pods::NewStub(channel);
    sets_ = apps::v1::StatefulSets::NewStub(channel);
    services_ = core::v1::Services::NewStub(channel);
    namespaces_ = core::v1::Namespaces::NewStub(channel);
  }

  // Creates `set` and returns the error (OK on success).
  absl::Status CreateSet(const apps::v1::StatefulSet& set, apps::v1::StatefulSet* out = nullptr) {
    apps::v1::StatefulSet ignored;
    return status::FromGrpcStatus(sets_->Create(Ctx().get(), set, out ? out : &ignored));
  }

  testing::TempDir dir_;
  std::unique_ptr<ApiServerProcess> server_;
  std::unique_ptr<core::v1::Pods::Stub> pods_;
  std::unique_ptr<apps::v1::StatefulSets::Stub> sets_;
  std::unique_ptr<core::v1::Services::Stub> services_;
  std::unique_ptr<core::v1::Namespaces::Stub> namespaces_;
};

// What grpcurl and every reflection-driven client need: each service the
// server lists is described, with every method's messages resolvable.
TEST_F(ApiServerTest, ReflectionDescribesEveryServiceItServes) {
  testing::ReflectionClient reflection(server_->NewChannel());
  auto services = reflection.ListServices();
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(
      *services,
      IsSupersetOf({"grpc.health.v1.Health", "ordo.core.v1.Pods", "ordo.apps.v1.StatefulSets",
                    "ordo.core.v1.PodIO", "ordo.rbac.v1.Roles", "ordo.velero.v1.Backups",
                    "ordo.snapshot.v1.VolumeSnapshots", "ordo.maintenance.v1.Maintenance",
                    "ordo.authorization.v1.AccessReviews"}));
  for (const std::string& name : *services) {
    auto service = reflection.DescribeService(name);
    ASSERT_TRUE(service.ok()) << service.status();
    EXPECT_GT((*service)->method_count(), 0) << name;
    for (int i = 0; i < (*service)->method_count(); ++i) {
      EXPECT_NE((*service)->method(i)->input_type(), nullptr) << name;
      EXPECT_NE((*service)->method(i)->output_type(), nullptr) << name;
    }
  }
}

TEST_F(ApiServerTest, MissingAndDuplicateObjectsAreNamedInResourceInfo) {
  apps::v1::StatefulSet out;
  meta::v1::GetRequest get;
  get.set_namespace_("default");
  get.set_name("web");
  absl::Status missing = status::FromGrpcStatus(sets_->Get(Ctx().get(), get, &out));
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  auto info = status::ResourceInfoOf(missing);
  ASSERT_TRUE(info.has_value()) << missing;
  EXPECT_EQ(info->resource_type(), "statefulsets.apps");
  EXPECT_EQ(info->resource_name(), "default/web");

  ASSERT_TRUE(CreateSet(WebSet()).ok());
  absl::Status duplicate = CreateSet(WebSet());
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kAlreadyExists);
  info = status::ResourceInfoOf(duplicate);
  ASSERT_TRUE(info.has_value()) << duplicate;
  EXPECT_EQ(info->resource_name(), "default/web");
}

TEST_F(ApiServerTest, WebStatefulSetComesBackDefaulted) {
  apps::v1::StatefulSet created;
  ASSERT_TRUE(CreateSet(WebSet(), &created).ok());
  const auto& spec = created.spec();
  EXPECT_EQ(created.metadata().namespace_(), "default");
  EXPECT_FALSE(created.metadata().uid().empty());
  EXPECT_FALSE(created.metadata().resource_version().empty());
  EXPECT_TRUE(created.metadata().has_creation_timestamp());
  EXPECT_EQ(created.metadata().generation(), 1);
  EXPECT_EQ(spec.replicas(), 3);
  EXPECT_EQ(spec.pod_management_policy(), "OrderedReady");
  EXPECT_EQ(spec.update_strategy().type(), "RollingUpdate");
  EXPECT_EQ(spec.update_strategy().rolling_update().partition(), 0);
  EXPECT_EQ(spec.update_strategy().rolling_update().max_unavailable().number_value(), 1);
  EXPECT_EQ(spec.revision_history_limit(), 10);
  EXPECT_EQ(spec.persistent_volume_claim_retention_policy().when_deleted(), "Retain");
  EXPECT_EQ(spec.persistent_volume_claim_retention_policy().when_scaled(), "Retain");
  const auto& pod = spec.template_().spec();
  EXPECT_EQ(pod.restart_policy(), "Always");
  EXPECT_EQ(pod.dns_policy(), "ClusterFirst");
  EXPECT_EQ(pod.termination_grace_period_seconds(), 10);
  EXPECT_EQ(pod.scheduler_name(), "default-scheduler");
  EXPECT_EQ(pod.containers(0).ports(0).protocol(), "TCP");
  EXPECT_EQ(pod.containers(0).image_pull_policy(), "IfNotPresent");
  EXPECT_EQ(spec.volume_claim_templates(0).spec().volume_mode(), "Filesystem");

  // Protobuf's JSON mapping of the object is its Kubernetes JSON.
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(created, &json).ok());
  EXPECT_THAT(json, HasSubstr("\"podManagementPolicy\":\"OrderedReady\""));
  EXPECT_THAT(json, HasSubstr("\"maxUnavailable\":1"));
  EXPECT_THAT(json, HasSubstr("\"volumeClaimTemplates\""));

  meta::v1::GetRequest get;
  get.set_name("web");
  apps::v1::StatefulSet got;
  ASSERT_TRUE(sets_->Get(Ctx().get(), get, &got).ok());
  EXPECT_EQ(got.metadata().resource_version(), created.metadata().resource_version());
}

struct BadSet {
  std::string what;
  std::function<void(apps::v1::StatefulSet&)> break_it;
  std::string field;    // the violation's field path
  std::string message;  // a piece of the message
};

TEST_F(ApiServerTest, BadStatefulSetsAreRefusedWithTheFieldNamed) {
  std::vector<BadSet> cases = {
      {"name over 52", [](auto& s) { s.mutable_metadata()->set_name(std::string(53, 'a')); },
       "metadata.name", "must be no more than 52 characters"},
      {"name not DNS", [](auto& s) { s.mutable_metadata()->set_name("Web_1"); }, "metadata.name",
       "RFC 1123"},
      {"negative replicas", [](auto& s) { s.mutable_spec()->set_replicas(-1); }, "spec.replicas",
       "spec.replicas: Invalid value: -1: must be greater than or equal to 0"},
      {"no selector", [](auto& s) { s.mutable_spec()->clear_selector(); }, "spec.selector",
       "spec.selector: Required value"},
      {"selector mismatch",
       [](auto& s) {
         (*s.mutable_spec()->mutable_selector()->mutable_match_labels())["app"] = "x";
       },
       "spec.template.metadata.labels", "`selector` does not match template `labels`"},
      {"bad policy", [](auto& s) { s.mutable_spec()->set_pod_management_policy("Foo"); },
       "spec.podManagementPolicy", "must be 'OrderedReady' or 'Parallel'"},
      {"restart policy",
       [](auto& s) {
         s.mutable_spec()->mutable_template_()->mutable_spec()->set_restart_policy("OnFailure");
       },
       "spec.template.spec.restartPolicy", "supported values: \"Always\""},
      {"maxUnavailable 0",
       [](auto& s) {
         s.mutable_spec()
             ->mutable_update_strategy()
             ->mutable_rolling_update()
             ->mutable_max_unavailable()
             ->set_number_value(0);
       },
       "spec.updateStrategy.rollingUpdate.maxUnavailable", "cannot be 0"},
      {"retention",
       [](auto& s) {
         s.mutable_spec()->mutable_persistent_volume_claim_retention_policy()->set_when_deleted(
             "Foo");
       },
       "spec.persistentVolumeClaimRetentionPolicy.whenDeleted", "supported values"},
      {"container without image",
       [](auto& s) {
         s.mutable_spec()
             ->mutable_template_()
             ->mutable_spec()
             ->mutable_containers(0)
             ->clear_image();
       },
       "spec.template.spec.containers[0].image", "Required value"},
      {"unknown volume mount",
       [](auto& s) {
         s.mutable_spec()
             ->mutable_template_()
             ->mutable_spec()
             ->mutable_containers(0)
             ->mutable_volume_mounts(0)
             ->set_name("data");
       },
       "spec.template.spec.containers[0].volumeMounts[0].name", "Not found"},
  };
  for (const auto& c : cases) {
    apps::v1::StatefulSet set = WebSet();
    c.break_it(set);
    absl::Status s = CreateSet(set);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.what;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.message)) << c.what;
    EXPECT_THAT(status::FieldViolations(s), Contains(Pair(c.field, ::testing::_))) << c.what;
  }
  // Nothing was written.
  meta::v1::ListOptions all;
  apps::v1::StatefulSetList list;
  ASSERT_TRUE(sets_->List(Ctx().get(), all, &list).ok());
  EXPECT_EQ(list.items_size(), 0);
}

TEST_F(ApiServerTest, UpdateRefusesImmutableFieldsAndStaleVersions) {
  apps::v1::StatefulSet created;
  ASSERT_TRUE(CreateSet(WebSet(), &created).ok());
  apps::v1::StatefulSet changed = created;
  changed.mutable_spec()->set_service_name("other");
  apps::v1::StatefulSet out;
  absl::Status s = status::FromGrpcStatus(sets_->Update(Ctx().get(), changed, &out));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("spec: Forbidden: updates to statefulset spec"));

  apps::v1::StatefulSet scaled = created;
  scaled.mutable_spec()->set_replicas(5);
  ASSERT_TRUE(sets_->Update(Ctx().get(), scaled, &out).ok());
  EXPECT_EQ(out.metadata().generation(), 2);
  // The same write from the stale copy loses.
  scaled.mutable_spec()->set_replicas(6);
  s = status::FromGrpcStatus(sets_->Update(Ctx().get(), scaled, &out));
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(s.message()), HasSubstr("the object has been modified"));
  // A client learns what conflicted from the details, without the message.
  auto failure = status::PreconditionFailureOf(s);
  ASSERT_TRUE(failure.has_value());
  ASSERT_EQ(failure->violations_size(), 1);
  EXPECT_EQ(failure->violations(0).type(), "Conflict");
  EXPECT_EQ(failure->violations(0).subject(), "statefulsets.apps/default/web");

  // Status writes do not bump the generation; main writes ignore status.
  apps::v1::StatefulSet fresh;
  meta::v1::GetRequest get;
  get.set_name("web");
  ASSERT_TRUE(sets_->Get(Ctx().get(), get, &fresh).ok());
  fresh.mutable_status()->set_replicas(2);
  fresh.mutable_status()->set_observed_generation(2);
  ASSERT_TRUE(sets_->UpdateStatus(Ctx().get(), fresh, &out).ok());
  EXPECT_EQ(out.metadata().generation(), 2);
  EXPECT_EQ(out.status().replicas(), 2);
  out.mutable_status()->set_replicas(0);
  apps::v1::StatefulSet after;
  ASSERT_TRUE(sets_->Update(Ctx().get(), out, &after).ok());
  EXPECT_EQ(after.status().replicas(), 2);

  // Scale subresource.
  apps::v1::Scale scale;
  ASSERT_TRUE(sets_->GetScale(Ctx().get(), get, &scale).ok());
  EXPECT_EQ(scale.spec().replicas(), 5);
  EXPECT_EQ(scale.status().selector(), "app=nginx");
  scale.mutable_spec()->set_replicas(2);
  apps::v1::Scale scaled_out;
  ASSERT_TRUE(sets_->UpdateScale(Ctx().get(), scale, &scaled_out).ok());
  EXPECT_EQ(scaled_out.spec().replicas(), 2);
}

TEST_F(ApiServerTest, ObjectsInMissingNamespacesAreRefused) {
  apps::v1::StatefulSet set = WebSet();
  set.mutable_metadata()->set_namespace_("nowhere");
  absl::Status s = CreateSet(set);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "namespaces \"nowhere\" not found");
  core::v1::Namespace ns;
  ns.mutable_metadata()->set_name("nowhere");
  core::v1::Namespace created;
  ASSERT_TRUE(namespaces_->Create(Ctx().get(), ns, &created).ok());
  EXPECT_EQ(created.status().phase(), "Active");
  EXPECT_TRUE(CreateSet(set).ok());
}

TEST_F(ApiServerTest, CrudAndSelectorsOnPods) {
  core::v1::Pod out;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        pods_->Create(Ctx().get(), MakePod("p" + std::to_string(i), i < 2 ? "web" : "db"), &out)
            .ok());
  }
  EXPECT_EQ(out.status().phase(), "Pending");
  absl::Status dup = status::FromGrpcStatus(pods_->Create(Ctx().get(), MakePod("p0", "web"), &out));
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.message(), "pods \"p0\" already exists");

  core::v1::Binding binding;
  binding.mutable_metadata()->set_name("p1");
  binding.mutable_target()->set_name("node-a");
  ASSERT_TRUE(pods_->Bind(Ctx().get(), binding, &out).ok());
  EXPECT_EQ(out.spec().node_name(), "node-a");
  absl::Status rebind = status::FromGrpcStatus(pods_->Bind(Ctx().get(), binding, &out));
  EXPECT_EQ(rebind.code(), absl::StatusCode::kAborted);

  auto names = [&](const std::string& labels, const std::string& fields) {
    meta::v1::ListOptions opts;
    opts.set_label_selector(labels);
    opts.set_field_selector(fields);
    core::v1::PodList list;
    grpc::Status s = pods_->List(Ctx().get(), opts, &list);
    std::vector<std::string> out;
    if (!s.ok()) return std::vector<std::string>{"error: " + s.error_message()};
    for (const auto& p : list.items()) out.push_back(p.metadata().name());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names("app=web", ""), (V{"p0", "p1"}));
  EXPECT_EQ(names("app in (db)", ""), (V{"p2", "p3"}));
  EXPECT_EQ(names("", "spec.nodeName=node-a"), (V{"p1"}));
  EXPECT_EQ(names("app=web", "spec.nodeName!=node-a"), (V{"p0"}));
  EXPECT_EQ(names("", "metadata.name=p3,status.phase=Pending"), (V{"p3"}));
  EXPECT_THAT(names("", "spec.bogus=1").front(), HasSubstr("field label not supported"));

  meta::v1::GetRequest get;
  get.set_name("nope");
  absl::Status missing = status::FromGrpcStatus(pods_->Get(Ctx().get(), get, &out));
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "pods \"nope\" not found");
}

TEST_F(ApiServerTest, ScheduledPodsDeleteGracefullyUntilTheKubeletConfirms) {
  core::v1::Pod out;
  ASSERT_TRUE(pods_->Create(Ctx().get(), MakePod("web-0", "web"), &out).ok());
  std::string uid = out.metadata().uid();
  core::v1::Binding binding;
  binding.mutable_metadata()->set_name("web-0");
  binding.mutable_target()->set_name("node-a");
  ASSERT_TRUE(pods_->Bind(Ctx().get(), binding, &out).ok());

  meta::v1::DeleteRequest del;
  del.set_name("web-0");
  del.mutable_preconditions()->set_uid("not-the-uid");
  EXPECT_EQ(pods_->Delete(Ctx().get(), del, &out).error_code(), grpc::StatusCode::ABORTED);
  del.mutable_preconditions()->set_uid(uid);
  ASSERT_TRUE(pods_->Delete(Ctx().get(), del, &out).ok());
  EXPECT_TRUE(out.metadata().has_deletion_timestamp());
  EXPECT_EQ(out.metadata().deletion_grace_period_seconds(), 30);
  meta::v1::GetRequest get;
  get.set_name("web-0");
  ASSERT_TRUE(pods_->Get(Ctx().get(), get, &out).ok()) << "still there, terminating";

  del.set_grace_period_seconds(0);  // what the kubelet sends once the process is gone
  ASSERT_TRUE(pods_->Delete(Ctx().get(), del, &out).ok());
  EXPECT_EQ(pods_->Get(Ctx().get(), get, &out).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ApiServerTest, FinalizersHoldAnObjectUntilRemoved) {
  core::v1::Service svc;
  svc.mutable_metadata()->set_name("nginx");
  svc.mutable_metadata()->add_finalizers("example.com/hold");
  svc.mutable_spec()->set_cluster_ip("None");
  (*svc.mutable_spec()->mutable_selector())["app"] = "nginx";
  auto* port = svc.mutable_spec()->add_ports();
  port->set_name("web");
  port->set_port(80);
  core::v1::Service out;
  ASSERT_TRUE(services_->Create(Ctx().get(), svc, &out).ok());
  meta::v1::DeleteRequest del;
  del.set_name("nginx");
  ASSERT_TRUE(services_->Delete(Ctx().get(), del, &out).ok());
  EXPECT_TRUE(out.metadata().has_deletion_timestamp());
  // New finalizers may not be added while deleting.
  core::v1::Service more = out;
  more.mutable_metadata()->add_finalizers("example.com/another");
  EXPECT_EQ(services_->Update(Ctx().get(), more, &more).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  out.mutable_metadata()->clear_finalizers();
  ASSERT_TRUE(services_->Update(Ctx().get(), out, &out).ok());
  meta::v1::GetRequest get;
  get.set_name("nginx");
  EXPECT_EQ(services_->Get(Ctx().get(), get, &out).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ApiServerTest, StateSurvivesARestart) {
  ASSERT_TRUE(CreateSet(WebSet()).ok());
  ASSERT_TRUE(server_->Restart().ok());
  sets_ = apps::v1::StatefulSets::NewStub(server_->NewChannel());
  meta::v1::GetRequest get;
  get.set_name("web");
  apps::v1::StatefulSet got;
  ASSERT_TRUE(sets_->Get(Ctx().get(), get, &got).ok());
  EXPECT_EQ(got.spec().replicas(), 3);
}

// etcdctl's habit: save a snapshot while the server runs, check it, start a
// new server from it: every object is there at the resourceVersion it had,
// and what came after the snapshot is not.
TEST_F(ApiServerTest, AStoreSnapshotRestoresEveryObjectAtItsResourceVersion) {
  ASSERT_TRUE(CreateSet(WebSet()).ok());
  for (int i = 0; i < 40; ++i) {
    core::v1::Pod created;
    ASSERT_TRUE(pods_->Create(Ctx().get(), MakePod(absl::StrCat("p-", i), "app"), &created).ok());
  }
  std::string snapshot = dir_.Join("snap.db");
  std::string ordoctl = BinDir() + "/ordoctl";
  CommandResult saved = RunCommand(ordoctl, {"snapshot", "save", snapshot}, server_->OrdoctlEnv());
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  EXPECT_THAT(saved.out, HasSubstr("Snapshot saved at " + snapshot));
  meta::v1::ListOptions all;
  all.set_namespace_("default");
  core::v1::PodList before;
  ASSERT_TRUE(pods_->List(Ctx().get(), all, &before).ok());
  core::v1::Pod late;
  ASSERT_TRUE(pods_->Create(Ctx().get(), MakePod("after-the-snapshot", "app"), &late).ok());
  CommandResult status = RunCommand(ordoctl, {"snapshot", "status", snapshot, "-o", "json"}, {});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("\"totalKey\":"));

  // A truncated copy is refused, and leaves no store behind.
  testing::TempDir other;
  std::string whole = testing::ReadFile(snapshot);
  std::ofstream(other.Join("cut.db"), std::ios::binary) << whole.substr(0, whole.size() / 2);
  CommandResult cut = RunCommand(
      BinDir() + "/ordo-api-server",
      {"--restore-from", other.Join("cut.db"), "--data-dir", other.Join("cut-store")}, {});
  EXPECT_EQ(cut.exit_code, 2);
  EXPECT_THAT(cut.err, HasSubstr("is truncated"));
  EXPECT_FALSE(std::filesystem::exists(other.Join("cut-store")));

  auto restored = ApiServerProcess::Start(other.Join("restored"), {"--restore-from", snapshot});
  ASSERT_TRUE(restored.ok()) << restored.status();
  auto restored_pods = core::v1::Pods::NewStub((*restored)->NewChannel());
  core::v1::PodList after;
  ASSERT_TRUE(restored_pods->List(Ctx().get(), all, &after).ok());
  ASSERT_EQ(after.items_size(), before.items_size());
  ASSERT_EQ(after.items_size(), 40);
  for (int i = 0; i < after.items_size(); ++i) {
    EXPECT_EQ(after.items(i).metadata().name(), before.items(i).metadata().name());
    EXPECT_EQ(after.items(i).metadata().resource_version(),
              before.items(i).metadata().resource_version());
    EXPECT_EQ(after.items(i).metadata().uid(), before.items(i).metadata().uid());
  }
  meta::v1::GetRequest get;
  get.set_namespace_("default");
  get.set_name("web");
  apps::v1::StatefulSet set;
  EXPECT_TRUE(
      apps::v1::StatefulSets::NewStub((*restored)->NewChannel())->Get(Ctx().get(), get, &set).ok());
}

}  // namespace
}  // namespace ordo::itest
