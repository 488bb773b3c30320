// ordoctl, the real binary, against the real api-server: the Kubernetes docs'
// example applies, re-applies as unchanged, reads back with defaults, and
// errors come out as kubectl prints them, with exit code 1.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_replace.h"
#include "common/api/resource_client.h"
#include "common/clock/clock.h"
#include "common/manifest/manifest.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/api_server_process.h"
#include "integration-tests/harness/process.h"
#include "integration-tests/harness/wait.h"
#include "ordo/apps/v1/apps.pb.h"
#include "ordo/core/v1/services.grpc.pb.h"

namespace ordo::itest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using ::ordo::testing::ReadFile;

class OrdoctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ApiServerProcess::Start(dir_.path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  CommandResult Ctl(std::vector<std::string> args, const std::string& input = "") {
    return RunCommand(BinDir() + "/ordoctl", args, server_->OrdoctlEnv(), input);
  }

  // ordoctl running beside the test (a watch), its output in `log`.
  absl::StatusOr<Process> StartCtl(std::vector<std::string> args, const std::string& log) {
    for (const std::string& env : server_->OrdoctlEnv()) {
      auto [name, value] = std::pair(env.substr(0, env.find('=')), env.substr(env.find('=') + 1));
      args.push_back(name == "ORDO_SERVER" ? "--server" : "--kubeconfig");
      args.push_back(value);
    }
    return Process::Start(BinDir() + "/ordoctl", args, log);
  }
  void SetPodReady(const std::string& name) {
    auto pods = core::v1::Pods::NewStub(server_->NewChannel());
    grpc::ClientContext get_ctx;
    meta::v1::GetRequest get;
    get.set_name(name);
    core::v1::Pod pod;
    ASSERT_TRUE(pods->Get(&get_ctx, get, &pod).ok());
    auto* ready = pod.mutable_status()->add_conditions();
    ready->set_type("Ready");
    ready->set_status("True");
    grpc::ClientContext ctx;
    ASSERT_TRUE(pods->UpdateStatus(&ctx, pod, &pod).ok());
  }

  testing::TempDir dir_;
  std::unique_ptr<ApiServerProcess> server_;
};

constexpr char kPodManifest[] =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: "
    "i}]\n";

TEST_F(OrdoctlTest, ApplyIsIdempotentAndGetShowsTheDefaults) {
  std::string web = std::string(ORDO_SOURCE_DIR) + "/examples/web.yaml";
  auto first = Ctl({"apply", "-f", web});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, "service/nginx created\nstatefulset.apps/web created\n");
  auto second = Ctl({"apply", "-f", web});
  EXPECT_EQ(second.out, "service/nginx unchanged\nstatefulset.apps/web unchanged\n");

  auto yaml = Ctl({"get", "sts", "web", "-o", "yaml"});
  EXPECT_EQ(yaml.exit_code, 0);
  EXPECT_THAT(yaml.out, HasSubstr("podManagementPolicy: OrderedReady"));
  EXPECT_THAT(yaml.out, HasSubstr("serviceName: nginx"));
  // What get printed applies back: a new declaration (every field is now
  // declared), then, applied again, no change at all.
  auto reapplied = Ctl({"apply", "-f", "-"}, yaml.out);
  EXPECT_EQ(reapplied.out, "statefulset.apps/web configured\n") << reapplied.err;
  EXPECT_EQ(Ctl({"apply", "-f", "-"}, yaml.out).out, "statefulset.apps/web unchanged\n");

  auto table = Ctl({"get", "statefulsets"});
  EXPECT_THAT(table.out, HasSubstr("NAME   READY   AGE\nweb    0/3"));
  // Beside the api-server's own, as in every Kubernetes cluster.
  EXPECT_EQ(Ctl({"get", "svc", "-o", "name"}).out, "service/kubernetes\nservice/nginx\n");
  // Pages of one namespace each read the whole list; 0 is one unpaged List.
  const std::string namespaces =
      "namespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/"
      "kube-system\n";
  EXPECT_EQ(Ctl({"get", "ns", "--chunk-size", "1", "-o", "name"}).out, namespaces);
  EXPECT_EQ(Ctl({"get", "ns", "--chunk-size", "0", "-o", "name"}).out, namespaces);
  EXPECT_THAT(Ctl({"get", "ns", "--chunk-size", "-1"}).err, HasSubstr("--chunk-size"));

  EXPECT_EQ(Ctl({"scale", "sts", "web", "--replicas", "4"}).out, "statefulset.apps/web scaled\n");
  auto negative = Ctl({"scale", "sts", "web", "--replicas", "-1"});
  EXPECT_NE(negative.exit_code, 0);
  EXPECT_THAT(negative.err, HasSubstr("COUNT must be greater than or equal to 0"));
  EXPECT_THAT(Ctl({"get", "sts", "web", "-o", "json"}).out, HasSubstr("\"replicas\": 4"));
  EXPECT_THAT(Ctl({"get", "--help"}).out, HasSubstr("Usage: ordoctl get KIND"));
  std::string event =
      "apiVersion: v1\nkind: Event\nmetadata: {name: web.1}\n"
      "involvedObject: {kind: StatefulSet, name: web}\nreason: SuccessfulCreate\n"
      "message: create Pod web-0 in StatefulSet web successful\ntype: Normal\n";
  EXPECT_EQ(Ctl({"create", "-f", "-"}, event).exit_code, 0);
  auto described = Ctl({"describe", "sts", "web"});
  EXPECT_THAT(described.out, HasSubstr("Name:               web\nNamespace:          default\n"));
  EXPECT_THAT(described.out, HasSubstr("Replicas:           4 desired | 0 total\n"));
  EXPECT_THAT(described.out, HasSubstr("Volume Claims:\n  Name:          www\n"));
  EXPECT_THAT(described.out, HasSubstr("create Pod web-0 in StatefulSet web successful"));
  auto scaled =
      Ctl({"apply", "-f", "-"}, yaml.out.replace(yaml.out.find("replicas: 3"), 11, "replicas: 5"));
  EXPECT_EQ(scaled.out, "statefulset.apps/web configured\n") << scaled.err;
}

TEST_F(OrdoctlTest, GetJsonIsWhatApplySentPlusDefaults) {
  std::string web = std::string(ORDO_SOURCE_DIR) + "/examples/web.yaml";
  ASSERT_EQ(Ctl({"apply", "-f", web}).exit_code, 0);
  auto json = Ctl({"get", "sts", "web", "-o", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  apps::v1::StatefulSet got;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &got).ok()) << json.out;
  // What the manifest says...
  auto sent = manifest::Decode(ReadFile(web), "web.yaml");
  ASSERT_TRUE(sent.ok());
  const auto& want = static_cast<const apps::v1::StatefulSet&>(*(*sent)[1].message);
  // ...is there, with the server's defaults filled in around it.
  google::protobuf::util::MessageDifferencer diff;
  diff.set_scope(google::protobuf::util::MessageDifferencer::PARTIAL);  // `want` fields only
  EXPECT_TRUE(diff.Compare(want.spec(), got.spec())) << json.out;
  EXPECT_EQ(got.spec().pod_management_policy(), "OrderedReady");
  EXPECT_EQ(got.spec().revision_history_limit(), 10);
  EXPECT_EQ(got.spec().template_().spec().restart_policy(), "Always");
  EXPECT_FALSE(got.metadata().uid().empty());
}

TEST_F(OrdoctlTest, ApplyKeepsWhatOthersSetAndDropsWhatTheManifestDropped) {
  std::string v1 =
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels: {app: s, tier: web}\n"
      "spec:\n  selector: {app: s}\n  ports: [{port: 80}]\n";
  ASSERT_EQ(Ctl({"apply", "-f", "-"}, v1).exit_code, 0);
  // Someone else (not apply) adds a label; the next manifest drops `tier`.
  api::ResourceClient<core::v1::Service> services(server_->NewChannel(), SystemClock());
  auto svc = services.Get("default", "s");
  ASSERT_TRUE(svc.ok());
  (*svc->mutable_metadata()->mutable_labels())["team"] = "db";
  ASSERT_TRUE(services.Update(*svc).ok());
  std::string v2 =
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels: {app: s}\n"
      "spec:\n  selector: {app: s}\n  ports: [{port: 80}]\n";
  EXPECT_EQ(Ctl({"apply", "-f", "-"}, v2).out, "service/s configured\n");
  auto after = Ctl({"get", "svc", "s", "-o", "yaml"}).out;
  EXPECT_THAT(after, Not(HasSubstr("tier: web")));
  EXPECT_THAT(after, HasSubstr("team: db"));
  EXPECT_THAT(after, HasSubstr("app: s"));
}

TEST_F(OrdoctlTest, EveryExampleAppliesFromTheDirectory) {
  auto applied = Ctl({"apply", "-f", std::string(ORDO_SOURCE_DIR) + "/examples"});
  EXPECT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_EQ(applied.out,
            "poddisruptionbudget.policy/web created\n"
            "pod/podapp-0 created\n"
            "pod/podapp-1 created\n"
            "pod/podapp-2 created\n"
            "persistentvolume/pv-node-1-a created\n"
            "service/db created\n"
            "statefulset.apps/db created\n"
            "storageclass.storage.k8s.io/local-path created\n"
            "service/nginx created\n"
            "statefulset.apps/web created\n");
  auto pvs = Ctl({"get", "pv"});
  EXPECT_THAT(pvs.out, HasSubstr("pv-node-1-a"));
}

TEST_F(OrdoctlTest, WaitAndDeleteWaitFollowTheServer) {
  ASSERT_EQ(Ctl({"apply", "-f", "-"}, kPodManifest).exit_code, 0);
  auto pods = core::v1::Pods::NewStub(server_->NewChannel());
  {
    grpc::ClientContext ctx;
    core::v1::Binding binding;
    binding.mutable_metadata()->set_name("p");
    binding.mutable_target()->set_name("node-a");
    core::v1::Pod out;
    ASSERT_TRUE(pods->Bind(&ctx, binding, &out).ok());
  }
  // A kubelet's work, done by the test: the pod becomes Ready...
  std::thread kubelet([&] { SetPodReady("p"); });
  auto waited = Ctl({"wait", "pod/p", "--for=condition=Ready", "--timeout", "20s"});
  kubelet.join();
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  EXPECT_EQ(waited.out, "pod/p condition met\n");
  // ...and, once deleted, confirms the deletion (grace 0) while delete --wait waits.
  std::thread confirm([&] {
    meta::v1::DeleteRequest del;
    del.set_name("p");
    core::v1::Pod out;
    // Wait for the graceful delete to land, then confirm it.
    while (true) {
      grpc::ClientContext get_ctx;
      meta::v1::GetRequest get;
      get.set_name("p");
      if (pods->Get(&get_ctx, get, &out).ok() && out.metadata().has_deletion_timestamp()) break;
      std::this_thread::yield();
    }
    del.set_grace_period_seconds(0);
    grpc::ClientContext ctx;
    ASSERT_TRUE(pods->Delete(&ctx, del, &out).ok());
  });
  auto deleted = Ctl({"delete", "pod", "p", "--wait"});
  confirm.join();
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(deleted.out, "pod \"p\" deleted\n");
  EXPECT_EQ(Ctl({"get", "pod", "p"}).exit_code, 1);
  auto timeout = Ctl({"wait", "pod/p2", "--for=condition=Ready", "--timeout", "300ms"});
  EXPECT_EQ(timeout.exit_code, 1);
  EXPECT_EQ(timeout.err, "error: timed out waiting for the condition on pods/p2\n");
}

TEST_F(OrdoctlTest, ReplaceSendsTheManifestAndForceMakesTheObjectAnew) {
  ASSERT_EQ(Ctl({"apply", "-f", "-"}, kPodManifest).exit_code, 0);
  std::string uid = Ctl({"get", "pod", "p", "-o", "jsonpath={.metadata.uid}"}).out;
  // The user's manifest with a label added: no defaulted field, no default
  // toleration in it, and still accepted (the server defaults and admits it
  // again).
  std::string labelled =
      absl::StrReplaceAll(kPodManifest, {{"{name: p}", "{name: p, labels: {tier: web}}"}});
  auto replaced = Ctl({"replace", "-f", "-"}, labelled);
  EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_EQ(replaced.out, "pod/p replaced\n");
  EXPECT_EQ(Ctl({"get", "pod", "p", "-o", "jsonpath={.metadata.labels.tier} {.metadata.uid}"}).out,
            "web " + uid);
  EXPECT_EQ(Ctl({"get", "pod", "p", "-o", "jsonpath={.spec.tolerations[*].key}"}).out,
            "node.kubernetes.io/not-ready node.kubernetes.io/unreachable");

  auto forced = Ctl({"replace", "--force", "-f", "-"}, kPodManifest);
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(forced.out, "pod \"p\" deleted\npod/p replaced\n");
  std::string new_uid = Ctl({"get", "pod", "p", "-o", "jsonpath={.metadata.uid}"}).out;
  EXPECT_NE(new_uid, uid);
  EXPECT_FALSE(new_uid.empty());
  EXPECT_EQ(Ctl({"get", "pod", "p", "-o", "jsonpath={.metadata.labels.tier}"}).out, "");

  auto missing =
      Ctl({"replace", "-f", "-"}, absl::StrReplaceAll(kPodManifest, {{"name: p}", "name: q}"}}));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "Error from server (NotFound): pods \"q\" not found\n");
}

TEST_F(OrdoctlTest, NoHeadersJsonPathFiltersAndWaitingForAValue) {
  ASSERT_EQ(Ctl({"apply", "-f", "-"}, kPodManifest).exit_code, 0);
  auto rows = Ctl({"get", "pods", "--no-headers"});
  EXPECT_EQ(rows.exit_code, 0) << rows.err;
  EXPECT_THAT(rows.out, ::testing::StartsWith("p "));
  EXPECT_THAT(rows.out, Not(HasSubstr("NAME")));

  const std::string ready = R"({.status.conditions[?(@.type=="Ready")].status})";
  EXPECT_EQ(Ctl({"get", "pod", "p", "-o", "jsonpath=" + ready}).out, "");
  auto already = Ctl({"wait", "pod/p", "--for=jsonpath={.status.phase}=Pending"});
  EXPECT_EQ(already.exit_code, 0) << already.err;
  EXPECT_EQ(already.out, "pod/p condition met\n");
  std::thread kubelet([&] { SetPodReady("p"); });
  auto waited = Ctl({"wait", "pod/p", "--for=jsonpath=" + ready + "=True", "--timeout", "20s"});
  kubelet.join();
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  EXPECT_EQ(Ctl({"get", "pod", "p", "-o", "jsonpath=" + ready}).out, "True");
  auto never =
      Ctl({"wait", "pod/p", "--for=jsonpath={.status.phase}=Running", "--timeout", "300ms"});
  EXPECT_EQ(never.exit_code, 1);
  auto malformed = Ctl({"wait", "pod/p", "--for=jsonpath={.status.phase"});
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_THAT(malformed.err, HasSubstr("jsonpath wait format"));
}

TEST_F(OrdoctlTest, GetWatchWaitsForTheFirstObjectAndStreamsInTheAskedFormat) {
  std::string table_log = dir_.path() + "/table.log", json_log = dir_.path() + "/json.log";
  auto table = StartCtl({"get", "pods", "-w"}, table_log);
  ASSERT_TRUE(table.ok()) << table.status();
  auto json = StartCtl({"get", "pods", "-w", "-o", "json"}, json_log);
  ASSERT_TRUE(json.ok()) << json.status();
  // Both have listed nothing and go on watching.
  auto listed_nothing = [&](const std::string& log) {
    return WaitFor(
        [&] {
          return ReadFile(log).find("No resources found") != std::string::npos ||
                 ReadFile(log).find("\"items\": [") != std::string::npos;
        },
        absl::Seconds(20));
  };
  ASSERT_TRUE(listed_nothing(table_log)) << ReadFile(table_log);
  ASSERT_TRUE(listed_nothing(json_log)) << ReadFile(json_log);
  ASSERT_EQ(Ctl({"apply", "-f", "-"}, kPodManifest).exit_code, 0);
  SetPodReady("p");
  EXPECT_TRUE(WaitFor([&] { return ReadFile(table_log).find("\np ") != std::string::npos; },
                      absl::Seconds(20)))
      << ReadFile(table_log);
  // The JSON stream carries each version of the object: created, then Ready.
  EXPECT_TRUE(WaitFor([&] { return ReadFile(json_log).find("\"Ready\"") != std::string::npos; },
                      absl::Seconds(20)))
      << ReadFile(json_log);
  EXPECT_THAT(ReadFile(json_log), HasSubstr("\"name\": \"p\""));
  EXPECT_TRUE(table->running()) << "a watch goes on until interrupted";
  table->Stop();
  json->Stop();
}

TEST_F(OrdoctlTest, ErrorsReadAsKubectlsWithExitCodeOne) {
  auto missing = Ctl({"get", "sts", "web"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "Error from server (NotFound): statefulsets.apps \"web\" not found\n");

  std::string bad =
      "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web}\nspec:\n  replicas: -1\n"
      "  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: b}}\n"
      "    spec: {containers: [{name: c, image: i}]}\n";
  auto invalid = Ctl({"apply", "-f", "-"}, bad);
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_THAT(invalid.err, HasSubstr("The StatefulSet \"web\" is invalid: \n"));
  EXPECT_THAT(invalid.err,
              HasSubstr("* spec.replicas: Invalid value: -1: must be greater than or equal to 0"));
  EXPECT_THAT(invalid.err, HasSubstr("* spec.template.metadata.labels: Invalid value"));

  auto typo =
      Ctl({"apply", "-f", "-"}, "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspc: {}\n");
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_EQ(typo.err, "error: STDIN:4: unknown field \"spc\"\n");

  auto kind = Ctl({"get", "deployments"});
  EXPECT_EQ(kind.err, "error: the server doesn't have a resource type \"deployments\"\n");
}

}  // namespace
}  // namespace ordo::itest
