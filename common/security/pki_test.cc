#include "common/security/pki.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/security/kubeconfig.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"

namespace ordo::security {
namespace {

using ::ordo::testing::ReadFile;
using ::ordo::testing::StatusIs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

ClusterPkiOptions Options(const std::string& dir) {
  return {.dir = dir,
          .server = "127.0.0.1:6443",
          .api_server_dns_names = {"api-server"},
          .api_server_ip_addresses = {"172.28.0.10"},
          .nodes = {{"node-1", {"172.28.0.11"}}},
          .now = kNow};
}

TEST(PkiTest, EveryComponentGetsKubernetesIdentityAndTheRightNames) {
  testing::TempDir dir;
  ASSERT_OK(EnsureClusterPki(Options(dir.path())));
  auto entries = ListCertificates(dir.path());
  ASSERT_TRUE(entries.ok()) << entries.status();
  std::vector<std::string> names;
  for (const auto& e : *entries) names.push_back(e.name);
  EXPECT_THAT(names, ElementsAre("ca", "admin", "api-server", "controller-manager", "dns", "node-1",
                                 "scheduler"));
  std::string ca = ReadFile(dir.Join("ca.crt"));
  for (const auto& e : *entries) {
    EXPECT_OK(VerifyCertificate(ReadFile(dir.Join(e.name + ".crt")), ca, kNow)) << e.name;
    EXPECT_EQ(e.info.not_after,
              e.name == "ca" ? kNow + absl::Hours(24 * 3650) : kNow + absl::Hours(24 * 365));
  }
  const CertificateInfo& admin = (*entries)[1].info;
  EXPECT_EQ(admin.subject.common_name, "kubernetes-admin");
  EXPECT_THAT(admin.subject.organizations, ElementsAre("system:masters"));
  const CertificateInfo& api = (*entries)[2].info;
  EXPECT_THAT(api.dns_names, Contains("kubernetes.default.svc.cluster.local"));
  EXPECT_THAT(api.dns_names, Contains("api-server"));
  EXPECT_THAT(api.ip_addresses, ElementsAre("127.0.0.1", "172.28.0.10"));
  const CertificateInfo& node = (*entries)[5].info;
  EXPECT_EQ(node.subject.common_name, "system:node:node-1");
  EXPECT_THAT(node.subject.organizations, ElementsAre("system:nodes"));
  EXPECT_THAT(node.ip_addresses, ElementsAre("127.0.0.1", "172.28.0.11"));
  // The scheduler serves its own port, under its name and on loopback.
  const CertificateInfo& scheduler = (*entries)[6].info;
  EXPECT_EQ(scheduler.subject.common_name, "system:kube-scheduler");
  EXPECT_THAT(scheduler.dns_names, ElementsAre("scheduler", "localhost"));
  EXPECT_THAT(scheduler.ip_addresses, ElementsAre("127.0.0.1"));
  struct stat st;
  ASSERT_EQ(stat(dir.Join("ca.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(PkiTest, KubeconfigsCarryTheirComponentsIdentity) {
  testing::TempDir dir;
  ASSERT_OK(EnsureClusterPki(Options(dir.path())));
  auto creds = LoadCredentials(dir.Join("scheduler.kubeconfig"), "");
  ASSERT_TRUE(creds.ok()) << creds.status();
  EXPECT_EQ(creds->server, "127.0.0.1:6443");
  EXPECT_EQ(creds->ca_pem, ReadFile(dir.Join("ca.crt")));
  EXPECT_EQ(creds->cert_pem, ReadFile(dir.Join("scheduler.crt")));
  EXPECT_EQ(creds->key_pem, ReadFile(dir.Join("scheduler.key")));
  EXPECT_FALSE(LoadCredentials(dir.Join("api-server.kubeconfig"), "").ok());
}

TEST(PkiTest, ASecondRunKeepsWhatExistsAndAddsWhatIsNew) {
  testing::TempDir dir;
  ASSERT_OK(EnsureClusterPki(Options(dir.path())));
  std::string ca = ReadFile(dir.Join("ca.crt"));
  std::string admin = ReadFile(dir.Join("admin.crt"));
  ClusterPkiOptions more = Options(dir.path());
  more.nodes.push_back({"node-2", {}});
  ASSERT_OK(EnsureClusterPki(more));
  EXPECT_EQ(ReadFile(dir.Join("ca.crt")), ca);
  EXPECT_EQ(ReadFile(dir.Join("admin.crt")), admin);
  EXPECT_OK(VerifyCertificate(ReadFile(dir.Join("node-2.crt")), ca, kNow));
}

TEST(PkiTest, RenewalIssuesANewKeyWithTheSameIdentity) {
  testing::TempDir dir;
  ASSERT_OK(EnsureClusterPki(Options(dir.path())));
  auto before = ParseCertificate(ReadFile(dir.Join("api-server.crt")));
  std::string old_key = ReadFile(dir.Join("api-server.key"));
  ASSERT_OK(RenewCertificate(dir.path(), "api-server", kNow + absl::Hours(1), absl::Hours(48)));
  auto after = ParseCertificate(ReadFile(dir.Join("api-server.crt")));
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_NE(after->serial, before->serial);
  EXPECT_NE(ReadFile(dir.Join("api-server.key")), old_key);
  EXPECT_EQ(after->dns_names, before->dns_names);
  EXPECT_EQ(after->ip_addresses, before->ip_addresses);
  EXPECT_EQ(after->not_after, kNow + absl::Hours(49));
  EXPECT_OK(
      CheckKeyMatches(ReadFile(dir.Join("api-server.key")), ReadFile(dir.Join("api-server.crt"))));
  // A client's kubeconfig follows its renewed certificate.
  ASSERT_OK(RenewCertificate(dir.path(), "admin", kNow, absl::Hours(1)));
  EXPECT_EQ(LoadCredentials(dir.Join("admin.kubeconfig"), "")->cert_pem,
            ReadFile(dir.Join("admin.crt")));
  EXPECT_THAT(RenewCertificate(dir.path(), "nobody", kNow, absl::Hours(1)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no certificate \"nobody\"")));
  EXPECT_THAT(RenewCertificate(dir.path(), "ca", kNow, absl::Hours(1)),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PkiTest, EtcdHasACaOfItsOwnThatTheClusterCaCannotStandFor) {
  testing::TempDir dir;
  ASSERT_OK(EnsureClusterPki(Options(dir.path())));
  const std::string etcd = dir.Join("etcd");
  ASSERT_OK(EnsureEtcdPki({.dir = etcd, .dns_names = {"etcd-1"}, .now = kNow}));
  auto entries = ListCertificates(etcd);
  ASSERT_TRUE(entries.ok()) << entries.status();
  std::vector<std::string> names;
  for (const auto& e : *entries) names.push_back(e.name);
  EXPECT_THAT(names, ElementsAre("ca", "apiserver-etcd-client", "server"));
  const std::string etcd_ca = ReadFile(dir.Join("etcd/ca.crt"));
  EXPECT_OK(VerifyCertificate(ReadFile(dir.Join("etcd/server.crt")), etcd_ca, kNow));
  EXPECT_OK(VerifyCertificate(ReadFile(dir.Join("etcd/apiserver-etcd-client.crt")), etcd_ca, kNow));
  // A node's certificate (the cluster CA's) does not pass for an etcd client.
  EXPECT_FALSE(VerifyCertificate(ReadFile(dir.Join("node-1.crt")), etcd_ca, kNow).ok());
  const CertificateInfo& client = (*entries)[1].info;
  EXPECT_EQ(client.subject.common_name, "kube-apiserver-etcd-client");
  EXPECT_TRUE(client.dns_names.empty());
  const CertificateInfo& server = (*entries)[2].info;
  EXPECT_THAT(server.dns_names, ElementsAre("localhost", "etcd-1"));
  EXPECT_THAT(server.ip_addresses, ElementsAre("127.0.0.1"));
  // A second run keeps them.
  const std::string server_pem = ReadFile(dir.Join("etcd/server.crt"));
  ASSERT_OK(EnsureEtcdPki({.dir = etcd, .now = kNow}));
  EXPECT_EQ(ReadFile(dir.Join("etcd/server.crt")), server_pem);
  EXPECT_EQ(ReadFile(dir.Join("etcd/ca.crt")), etcd_ca);
}

}  // namespace
}  // namespace ordo::security
