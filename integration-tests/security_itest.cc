// Mutual TLS and authentication against the real ordo-api-server and ordoctl:
// who is let in, who is refused and with what words, and a renewed server
// certificate taken up without a restart.
#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <fstream>

#include "common/api/resource_client.h"
#include "common/clock/clock.h"
#include "common/security/certificates.h"
#include "common/security/credentials.h"
#include "common/security/pki.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/api_server_process.h"
#include "integration-tests/harness/users.h"
#include "integration-tests/harness/wait.h"

namespace ordo::itest {
namespace {

using ::ordo::testing::ReadFile;
using ::testing::HasSubstr;

class SecurityTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> flags = {}) {
    auto server = ApiServerProcess::Start(dir_.path(), std::move(flags));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  // `ordoctl apply -f -` of `yaml` as the admin.
  CommandResult AdminApply(const std::string& yaml) {
    return RunCommand(BinDir() + "/ordoctl", {"apply", "-f", "-"}, server_->OrdoctlEnv(), yaml);
  }
  CommandResult Ctl(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
    if (env.empty()) env = server_->OrdoctlEnv();
    return RunCommand(BinDir() + "/ordoctl", args, env);
  }
  // Lists namespaces with `creds`: OK, or the call's error.
  absl::Status ListWith(const security::ClientCredentials& creds) {
    api::ResourceClient<core::v1::Namespace> namespaces(
        security::Dial(server_->address(), creds, {.own_connection = true}), SystemClock(),
        {.deadline = absl::Seconds(5), .max_attempts = 1});
    return namespaces.List({}).status();
  }
  // A kubeconfig at `name` holding `creds`, for ordoctl.
  std::string WriteKubeconfig(const std::string& name, const security::ClientCredentials& creds) {
    return itest::WriteKubeconfig(dir_.Join(name), server_->address(), creds);
  }
  // A user signed by the cluster's CA.
  security::ClientCredentials User(const std::string& name, std::vector<std::string> groups = {}) {
    auto creds = IssueUser(server_->pki_dir(), name, std::move(groups));
    EXPECT_TRUE(creds.ok()) << creds.status();
    return creds.value_or(security::ClientCredentials{});
  }
  security::KeyPair Ca() const {
    return {ReadFile(server_->pki_dir() + "/ca.key"), ReadFile(server_->pki_dir() + "/ca.crt")};
  }

  testing::TempDir dir_;
  std::unique_ptr<ApiServerProcess> server_;
};

TEST_F(SecurityTest, TheAdminsCertificateGetsIn) {
  Start();
  EXPECT_TRUE(ListWith(server_->admin()).ok());
  CommandResult r = Ctl({"get", "namespaces"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("kube-system"));
}

TEST_F(SecurityTest, NoCertificateIsRefused) {
  Start();
  security::ClientCredentials anonymous{.ca_pem = server_->admin().ca_pem};
  EXPECT_EQ(ListWith(anonymous).code(), absl::StatusCode::kUnavailable);
  // Plaintext too; and ordoctl without credentials says how to get them.
  EXPECT_EQ(ListWith({}).code(), absl::StatusCode::kUnavailable);
  CommandResult r = Ctl({"get", "pods"}, {"ORDO_SERVER=" + server_->address(), "KUBECONFIG="});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("No credentials were given: pass --kubeconfig FILE"));
}

TEST_F(SecurityTest, ACertificateFromAnotherCaIsRefused) {
  Start();
  testing::TempDir other;
  ASSERT_TRUE(security::EnsureClusterPki({.dir = other.path(), .server = "x:1"}).ok());
  security::ClientCredentials stranger = server_->admin();
  stranger.cert_pem = ReadFile(other.Join("admin.crt"));
  stranger.key_pem = ReadFile(other.Join("admin.key"));
  EXPECT_EQ(ListWith(stranger).code(), absl::StatusCode::kUnavailable);
  CommandResult r = Ctl({"--kubeconfig", WriteKubeconfig("stranger", stranger), "get", "pods"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("Unable to connect to the server"));
}

TEST_F(SecurityTest, AnExpiredCertificateIsRefusedNamingItsExpiry) {
  Start();
  absl::Time now = absl::Now();
  auto expired = security::IssueCertificate(
      Ca(), {.subject = {"late", {"system:masters"}},
             .not_before = now - absl::Hours(48),
             .not_after = absl::FromUnixSeconds(absl::ToUnixSeconds(now - absl::Hours(24)))});
  ASSERT_TRUE(expired.ok());
  security::ClientCredentials late = server_->admin();
  late.cert_pem = expired->cert_pem;
  late.key_pem = expired->key_pem;
  // The server refuses it in the handshake...
  EXPECT_EQ(ListWith(late).code(), absl::StatusCode::kUnavailable);
  // ...and ordoctl says why before trying.
  std::string when = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                                      security::ParseCertificate(expired->cert_pem)->not_after,
                                      absl::UTCTimeZone());
  CommandResult r = Ctl({"--kubeconfig", WriteKubeconfig("late", late), "get", "pods"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("the client certificate of user \"late\" expired at " + when));
}

TEST_F(SecurityTest, BearerTokensFromATokenFile) {
  std::ofstream(dir_.Join("tokens.csv")) << "s3cret,jane,1001,\"dev\"\n";
  Start({"--token-auth-file", dir_.Join("tokens.csv")});
  security::ClientCredentials jane{.ca_pem = server_->admin().ca_pem, .token = "s3cret"};
  // Authenticated as jane (RBAC then refuses her: nothing is bound to her).
  absl::Status listed = ListWith(jane);
  EXPECT_EQ(listed.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(listed.message()), HasSubstr("User \"jane\" cannot list"));
  CommandResult r =
      Ctl({"--kubeconfig", WriteKubeconfig("jane", jane), "auth", "can-i", "get", "pods"});
  EXPECT_EQ(r.out, "no\n") << r.err;
  jane.token = "wrong";
  EXPECT_EQ(ListWith(jane).code(), absl::StatusCode::kUnauthenticated);
  r = Ctl({"--kubeconfig", WriteKubeconfig("wrong", jane), "get", "ns"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: You must be logged in to the server (Unauthorized)\n");
  // Certificates still get in beside tokens.
  EXPECT_TRUE(ListWith(server_->admin()).ok());
}

TEST_F(SecurityTest, AMalformedTokenFileStopsTheServerNamingTheLine) {
  std::ofstream(dir_.Join("tokens.csv")) << "ok,u,1\nbroken\n";
  testing::TempDir data;
  ASSERT_TRUE(security::EnsureClusterPki({.dir = data.Join("pki"), .server = "x:1"}).ok());
  CommandResult r =
      RunCommand(BinDir() + "/ordo-api-server",
                 {"--data-dir", data.Join("store"), "--listen", "127.0.0.1:0", "--token-auth-file",
                  dir_.Join("tokens.csv"), "--tls-cert-file", data.Join("pki/api-server.crt"),
                  "--tls-private-key-file", data.Join("pki/api-server.key"), "--client-ca-file",
                  data.Join("pki/ca.crt")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("tokens.csv:2: want at least 3 columns"));
}

TEST_F(SecurityTest, ARenewedServerCertificateIsServedWithoutRestartingAnything) {
  Start({"--tls-reload-interval", "1s"});
  auto channel = server_->NewChannel();  // opened before, used after: no restart anywhere
  api::ResourceClient<core::v1::Namespace> namespaces(channel, SystemClock());
  ASSERT_TRUE(namespaces.List({}).ok());
  std::string old_serial =
      security::ParseCertificate(ReadFile(server_->pki_dir() + "/api-server.crt"))->serial;
  CommandResult renew = Ctl({"certs", "renew", "api-server", "--data-dir", dir_.path()});
  ASSERT_EQ(renew.exit_code, 0) << renew.err;
  std::string new_serial =
      security::ParseCertificate(ReadFile(server_->pki_dir() + "/api-server.crt"))->serial;
  ASSERT_NE(new_serial, old_serial);
  auto served_serial = [&] {
    grpc::ClientContext ctx;
    auto stub = core::v1::Namespaces::NewStub(
        security::Dial(server_->address(), server_->admin(), {.own_connection = true}));
    meta::v1::ListOptions options;
    core::v1::NamespaceList list;
    if (!stub->List(&ctx, options, &list).ok()) return std::string();
    auto pems = ctx.auth_context()->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
    if (pems.empty()) return std::string();
    auto info = security::ParseCertificate(std::string(pems[0].data(), pems[0].size()));
    return info.ok() ? info->serial : std::string();
  };
  EXPECT_TRUE(WaitFor([&] { return served_serial() == new_serial; }, absl::Seconds(15)));
  EXPECT_TRUE(namespaces.List({}).ok());
  CommandResult certs = Ctl({"certs", "--data-dir", dir_.path()});
  EXPECT_EQ(certs.exit_code, 0) << certs.err;
  EXPECT_THAT(certs.out, ::testing::ContainsRegex("api-server +CN=kube-apiserver"));
  EXPECT_THAT(certs.out, HasSubstr("CN=kubernetes-admin,O=system:masters"));
  EXPECT_THAT(certs.out, HasSubstr("kubernetes.default.svc.cluster.local"));
  EXPECT_THAT(certs.out, HasSubstr("364d"));
}

constexpr char kPodReader[] = R"(apiVersion: v1
kind: Namespace
metadata:
  name: team
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  namespace: team
  name: pod-reader
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
  namespace: team
subjects:
- kind: User
  name: jane
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: Role
  name: pod-reader
  apiGroup: rbac.authorization.k8s.io
)";

TEST_F(SecurityTest, ARoleBindingLetsJaneListPodsInHerNamespaceOnly) {
  Start();
  std::string jane = WriteKubeconfig("jane", User("jane"));
  auto as_jane = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--kubeconfig", jane});
    return Ctl(args);
  };
  const std::string forbidden_default =
      "Error from server (Forbidden): pods is forbidden: User \"jane\" cannot list resource "
      "\"pods\" in API group \"\" in the namespace \"default\"\n";
  CommandResult before = as_jane({"get", "pods"});
  EXPECT_EQ(before.exit_code, 1);
  EXPECT_EQ(before.err, forbidden_default);
  EXPECT_EQ(as_jane({"auth", "can-i", "list", "pods", "-n", "team"}).out, "no\n");

  CommandResult applied = AdminApply(kPodReader);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_TRUE(WaitFor(
      [&] {
        return as_jane({"get", "pods", "-n", "team"}).exit_code == 0;
      },
      absl::Seconds(10)));
  EXPECT_EQ(as_jane({"auth", "can-i", "list", "pods", "-n", "team"}).out, "yes\n");
  EXPECT_EQ(as_jane({"auth", "can-i", "delete", "pods", "-n", "team"}).out, "no\n");
  CommandResult elsewhere = as_jane({"get", "pods"});
  EXPECT_EQ(elsewhere.exit_code, 1);
  EXPECT_EQ(elsewhere.err, forbidden_default);
  CommandResult nodes = as_jane({"get", "nodes"});
  EXPECT_EQ(nodes.err,
            "Error from server (Forbidden): nodes is forbidden: User \"jane\" cannot list "
            "resource \"nodes\" in API group \"\" at the cluster scope\n");
  // jane may not act as someone else; the admin may (kubectl's --as).
  CommandResult impersonating = as_jane({"--as", "kubernetes-admin", "get", "pods"});
  EXPECT_EQ(impersonating.exit_code, 1);
  EXPECT_EQ(impersonating.err,
            "Error from server (Forbidden): users \"kubernetes-admin\" is forbidden: User "
            "\"jane\" cannot impersonate resource \"users\" in API group \"\" at the cluster "
            "scope\n");
  EXPECT_EQ(Ctl({"--as", "jane", "get", "pods", "-n", "team"}).exit_code, 0);
  EXPECT_EQ(Ctl({"--as", "jane", "get", "pods"}).err, forbidden_default);
  // The admin may ask about jane.
  EXPECT_EQ(Ctl({"auth", "can-i", "list", "pods", "-n", "team", "--as", "jane"}).out, "yes\n");
  EXPECT_EQ(Ctl({"auth", "can-i", "list", "pods", "--as", "jane"}).out, "no\n");
  // A direct call is refused with the same words, as PERMISSION_DENIED.
  api::ResourceClient<core::v1::Pod> pods(security::Dial(server_->address(), User("jane")),
                                          SystemClock(), {.max_attempts = 1});
  absl::Status listed = pods.List({}).status();
  EXPECT_EQ(listed.code(), absl::StatusCode::kPermissionDenied);
}

// The audit lines of `path` with `verb`: "user/resource/name=code". Every
// line must name the loopback address as the caller's.
std::vector<std::string> Audited(const std::string& path, const std::string& verb) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    google::protobuf::Struct event;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &event).ok()) << line;
    const auto& f = event.fields();
    EXPECT_EQ(f.at("apiVersion").string_value(), "audit.k8s.io/v1");
    // The caller's address, whole (it was once read through a dangling view).
    const auto sources =
        f.contains("sourceIPs") ? f.at("sourceIPs").list_value() : google::protobuf::ListValue();
    EXPECT_TRUE(sources.values_size() == 1 && sources.values(0).string_value() == "127.0.0.1")
        << line;
    if (f.at("verb").string_value() != verb) continue;
    const auto& ref = f.at("objectRef").struct_value().fields();
    out.push_back(
        absl::StrCat(f.at("user").struct_value().fields().at("username").string_value(), "/",
                     ref.at("resource").string_value(), "/",
                     ref.contains("name") ? ref.at("name").string_value() : "", "=",
                     f.at("responseStatus").struct_value().fields().at("code").number_value()));
  }
  return out;
}

TEST_F(SecurityTest, WritesAndRefusalsAreAudited) {
  Start({"--audit-log-path", dir_.Join("audit.log")});
  CommandResult created =
      AdminApply("apiVersion: v1\nkind: Namespace\nmetadata: {name: audited}\n");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string jane = WriteKubeconfig("jane", User("jane"));
  CommandResult refused = RunCommand(BinDir() + "/ordoctl",
                                     {"--kubeconfig", jane, "delete", "namespace", "audited"}, {});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(Audited(dir_.Join("audit.log"), "create"),
              ::testing::Contains("kubernetes-admin/namespaces/audited=201"));
  EXPECT_THAT(Audited(dir_.Join("audit.log"), "delete"),
              ::testing::ElementsAre("jane/namespaces/audited=403"));
  EXPECT_THAT(Audited(dir_.Join("audit.log"), "list"), ::testing::IsEmpty());  // reads are not
}

TEST_F(SecurityTest, TheComponentsDefaultRolesAreThere) {
  Start();
  CommandResult roles = Ctl({"get", "clusterrolebindings"});
  EXPECT_EQ(roles.exit_code, 0) << roles.err;
  for (const char* name : {"cluster-admin", "system:kube-scheduler",
                           "system:kube-controller-manager", "system:ordo-dns"}) {
    EXPECT_THAT(roles.out, HasSubstr(name));
  }
  auto can = [&](const std::string& user, const std::string& group, std::vector<std::string> what) {
    std::vector<std::string> args = {"auth", "can-i"};
    args.insert(args.end(), what.begin(), what.end());
    args.insert(args.end(), {"--as", user, "--as-group", group});
    return Ctl(args).out;
  };
  EXPECT_EQ(can("system:kube-scheduler", "", {"create", "pods", "--subresource", "binding"}),
            "yes\n");
  EXPECT_EQ(can("system:kube-scheduler", "", {"delete", "pods"}), "no\n");
  EXPECT_EQ(can("system:node:node-1", "system:nodes",
                {"update", "nodes/node-1", "--subresource", "status"}),
            "yes\n");
  EXPECT_EQ(can("system:node:node-1", "system:nodes", {"update", "nodes/node-2"}), "no\n");
  EXPECT_EQ(can("system:node:node-1", "system:nodes", {"create", "rolebindings"}), "no\n");
  EXPECT_EQ(can("system:ordo-dns", "", {"watch", "endpoints"}), "yes\n");
  EXPECT_EQ(can("system:ordo-dns", "", {"list", "pods"}), "no\n");
}

TEST_F(SecurityTest, ANodesCertificateReachesItsOwnPodsAndNodeOnly) {
  Start();
  api::ResourceClient<core::v1::Pod> admin_pods(server_->NewChannel(), SystemClock());
  for (auto [name, node] : {std::pair{"web-0", "node-1"}, std::pair{"web-1", "node-2"}}) {
    core::v1::Pod pod;
    pod.mutable_metadata()->set_name(name);
    pod.mutable_metadata()->set_namespace_("default");
    pod.mutable_spec()->set_node_name(node);
    auto* c = pod.mutable_spec()->add_containers();
    c->set_name("app");
    c->set_image("ordo-podapp");
    ASSERT_TRUE(admin_pods.Create(pod).ok());
  }
  auto node1 = security::Dial(server_->address(), User("system:node:node-1", {"system:nodes"}),
                              {.own_connection = true});
  api::ResourceClient<core::v1::Pod> pods(node1, SystemClock(), {.max_attempts = 1});
  api::ResourceClient<core::v1::Node> nodes(node1, SystemClock(), {.max_attempts = 1});
  auto mine = pods.Get("default", "web-0");
  ASSERT_TRUE(mine.ok()) << mine.status();
  mine->mutable_status()->set_phase("Running");
  EXPECT_TRUE(pods.UpdateStatus(*mine).ok());
  auto theirs = pods.Get("default", "web-1");
  ASSERT_TRUE(theirs.ok());
  theirs->mutable_status()->set_phase("Failed");
  absl::Status s = pods.UpdateStatus(*theirs).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(),
            "pods \"web-1\" is forbidden: User \"system:node:node-1\" cannot update resource "
            "\"pods/status\" in API group \"\" in the namespace \"default\"");
  meta::v1::DeleteRequest del;
  del.set_namespace_("default");
  del.set_name("web-1");
  EXPECT_EQ(pods.Delete(del).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(admin_pods.Get("default", "web-1")->status().phase(), "Failed");  // untouched

  // Its own Node, with its own labels; not a label that pins workloads,
  // and not another node.
  core::v1::Node node;
  node.mutable_metadata()->set_name("node-1");
  (*node.mutable_metadata()->mutable_labels())["node-restriction.kubernetes.io/pool"] = "gold";
  s = nodes.Create(node).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(),
            "nodes \"node-1\" is forbidden: node \"node-1\" is not allowed to set the following "
            "labels: node-restriction.kubernetes.io/pool");
  node.mutable_metadata()->mutable_labels()->clear();
  (*node.mutable_metadata()->mutable_labels())["disk"] = "ssd";
  auto created = nodes.Create(node);
  ASSERT_TRUE(created.ok()) << created.status();
  (*created->mutable_metadata()->mutable_labels())["node-restriction.kubernetes.io/pool"] = "gold";
  EXPECT_THAT(std::string(nodes.Update(*created).status().message()),
              HasSubstr("is not allowed to modify labels: node-restriction.kubernetes.io/pool"));
  core::v1::Node other;
  other.mutable_metadata()->set_name("node-2");
  EXPECT_EQ(nodes.Create(other).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(SecurityTest, MalformedRbacObjectsAreRefusedNamingTheField) {
  Start();
  CommandResult bad_verb = AdminApply(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: typo, namespace: default}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [lsit]
)");
  EXPECT_EQ(bad_verb.exit_code, 1);
  EXPECT_THAT(bad_verb.err, HasSubstr("rules[0].verbs[0]: Unsupported value: \"lsit\""));
  CommandResult no_verbs = AdminApply(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: empty}
rules:
- resources: [pods]
)");
  EXPECT_EQ(no_verbs.exit_code, 1);
  EXPECT_THAT(no_verbs.err, HasSubstr("rules[0].verbs: Required value"));
  EXPECT_THAT(no_verbs.err, HasSubstr("rules[0].apiGroups: Required value"));
  CommandResult bad_ref = AdminApply(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: bad}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: x}
subjects: [{kind: Robot, name: r2}]
)");
  EXPECT_EQ(bad_ref.exit_code, 1);
  EXPECT_THAT(bad_ref.err, HasSubstr("roleRef.kind: Unsupported value: \"Role\""));
  EXPECT_THAT(bad_ref.err, HasSubstr("subjects[0].kind: Unsupported value: \"Robot\""));
  EXPECT_EQ(Ctl({"get", "clusterrolebinding", "bad"}).exit_code, 1);  // nothing was written
  // A binding to a role that does not exist is accepted and grants nothing.
  CommandResult dangling = AdminApply(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dangling, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: not-yet}
subjects: [{kind: User, name: eve}]
)");
  EXPECT_EQ(dangling.exit_code, 0) << dangling.err;
  EXPECT_EQ(Ctl({"auth", "can-i", "get", "pods", "--as", "eve"}).out, "no\n");
}

}  // namespace
}  // namespace ordo::itest
