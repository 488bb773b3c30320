// The handshake and the per-call authentication of a real gRPC server with
// ordo's credentials, in process: who gets in, who is refused, who the server
// sees, and a renewed certificate served without a restart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "common/security/authenticator.h"
#include "common/security/credentials.h"
#include "common/security/pki.h"
#include "common/server/server_main.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/wait.h"
#include "ordo/agent/v1/agent.grpc.pb.h"

namespace ordo::security {
namespace {

using ::ordo::testing::ReadFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Answers ShutdownPods with nothing, remembering who called.
class WhoAmI : public agent::v1::KubeletAgent::CallbackService {
 public:
  std::shared_ptr<Authenticator> authenticator;

  grpc::ServerUnaryReactor* ShutdownPods(grpc::CallbackServerContext* ctx,
                                         const agent::v1::ShutdownRequest*,
                                         agent::v1::ShutdownResponse*) override {
    {
      absl::MutexLock lock(&mu_);
      last_ = authenticator->UserOf(*ctx);
    }
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  std::optional<UserInfo> last() {
    absl::MutexLock lock(&mu_);
    return last_;
  }

 private:
  absl::Mutex mu_;
  std::optional<UserInfo> last_ ABSL_GUARDED_BY(mu_);
};

class MutualTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(EnsureClusterPki({.dir = pki_.path(), .server = "127.0.0.1:1"}));
  }

  void Serve(TokenFile tokens = {}, bool optional_client_certificate = false,
             AdmitPolicy admit = nullptr) {
    service_.authenticator = std::make_shared<Authenticator>(tokens, std::move(admit));
    auto creds = NewServerCredentials({.cert_file = pki_.Join("api-server.crt"),
                                       .key_file = pki_.Join("api-server.key"),
                                       .client_ca_file = pki_.Join("ca.crt"),
                                       .reload_interval = absl::Seconds(1),
                                       .client_certificate_optional = optional_client_certificate,
                                       .authenticator = service_.authenticator});
    ASSERT_TRUE(creds.ok()) << creds.status();
    auto started = server::StartGrpcServer("127.0.0.1:0", {&service_}, *creds);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(started->server);
    address_ = "127.0.0.1:" + std::to_string(started->port);
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  ClientCredentials As(const std::string& name) {
    return {.ca_pem = ReadFile(pki_.Join("ca.crt")),
            .cert_pem = ReadFile(pki_.Join(name + ".crt")),
            .key_pem = ReadFile(pki_.Join(name + ".key"))};
  }

  grpc::Status Call(const ClientCredentials& creds, const std::string& address = "",
                    grpc::ClientContext* given = nullptr) {
    auto stub = agent::v1::KubeletAgent::NewStub(
        Dial(address.empty() ? address_ : address, creds, {.own_connection = true}));
    grpc::ClientContext local;
    grpc::ClientContext* ctx = given != nullptr ? given : &local;
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    agent::v1::ShutdownResponse response;
    return stub->ShutdownPods(ctx, {}, &response);
  }

  testing::TempDir pki_;
  WhoAmI service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

TEST_F(MutualTlsTest, TheCertificateNamesTheUserAndItsGroups) {
  Serve();
  grpc::Status s = Call(As("admin"));
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(service_.last().has_value());
  EXPECT_EQ(service_.last()->name, "kubernetes-admin");
  EXPECT_THAT(service_.last()->groups, ElementsAre("system:masters", "system:authenticated"));
}

// gRPC hands every call of one connection the same AuthContext: the
// authenticator must only read it (writing to it from concurrent calls once
// aborted the server in grpc's security_context.cc).
TEST_F(MutualTlsTest, ConcurrentCallsOnOneConnection) {
  Serve();
  auto channel = Dial(address_, As("scheduler"), {.own_connection = true});
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      auto stub = agent::v1::KubeletAgent::NewStub(channel);
      for (int i = 0; i < 200; ++i) {
        grpc::ClientContext ctx;
        agent::v1::ShutdownResponse response;
        if (!stub->ShutdownPods(&ctx, {}, &response).ok()) ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(service_.last()->name, "system:kube-scheduler");
}

// A kubelet-agent's way: only some of the CA's users may call at all.
TEST_F(MutualTlsTest, AnAdmitPolicyRefusesOtherUsersBeforeAnyHandler) {
  Serve({}, false, [](const UserInfo& user) {
    return user.name == "kube-apiserver"
               ? grpc::Status::OK
               : grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "only the api-server");
  });
  EXPECT_TRUE(Call(As("api-server")).ok());
  grpc::Status refused = Call(As("scheduler"));
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(refused.error_message(), "only the api-server");
  EXPECT_EQ(service_.last()->name, "kube-apiserver");
}

TEST_F(MutualTlsTest, NoCertificateIsRefusedDuringTheHandshake) {
  Serve();
  ClientCredentials anonymous = As("admin");
  anonymous.cert_pem.clear();
  anonymous.key_pem.clear();
  EXPECT_EQ(Call(anonymous).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_FALSE(service_.last().has_value());
  EXPECT_EQ(Call(ClientCredentials{}).error_code(), grpc::StatusCode::UNAVAILABLE);  // plaintext
}

// The api-server's credentials toward an etcd without client certificates.
TEST_F(MutualTlsTest, CaOnlyCredentialsCheckTheServerAndPresentNoCertificate) {
  Serve({}, /*optional_client_certificate=*/true);
  auto creds = CaCredentialsFromFile({"--etcd-cafile", pki_.Join("ca.crt")});
  ASSERT_OK(creds);
  EXPECT_TRUE(creds->cert_pem.empty());
  // The handshake passes; then this server wants a token the client lacks.
  EXPECT_EQ(Call(*creds).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(
      CaCredentialsFromFile({"--etcd-cafile", pki_.Join("admin.key")}),
      ::ordo::testing::StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--etcd-cafile")));
}

TEST_F(MutualTlsTest, ACertificateOfAnotherCaIsRefused) {
  Serve();
  testing::TempDir other;
  ASSERT_OK(EnsureClusterPki({.dir = other.path(), .server = "127.0.0.1:1"}));
  ClientCredentials stranger = As("admin");
  stranger.cert_pem = ReadFile(other.Join("admin.crt"));
  stranger.key_pem = ReadFile(other.Join("admin.key"));
  EXPECT_EQ(Call(stranger).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_FALSE(service_.last().has_value());
  // Nor does the client trust a server its CA did not sign.
  ClientCredentials wrong_root = As("admin");
  wrong_root.ca_pem = ReadFile(other.Join("ca.crt"));
  EXPECT_EQ(Call(wrong_root).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, AnExpiredCertificateIsRefused) {
  Serve();
  KeyPair ca{ReadFile(pki_.Join("ca.key")), ReadFile(pki_.Join("ca.crt"))};
  absl::Time now = absl::Now();
  auto expired = IssueCertificate(ca, {.subject = {"late", {}},
                                       .not_before = now - absl::Hours(2),
                                       .not_after = now - absl::Hours(1)});
  ASSERT_TRUE(expired.ok());
  ClientCredentials late = As("admin");
  late.cert_pem = expired->cert_pem;
  late.key_pem = expired->key_pem;
  EXPECT_EQ(Call(late).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_FALSE(service_.last().has_value());
}

TEST_F(MutualTlsTest, TheServerMustBeNamedInItsCertificate) {
  Serve();
  // "localhost" is in the api-server's SANs; an address it does not list is refused.
  std::string port = address_.substr(address_.find(':') + 1);
  EXPECT_TRUE(Call(As("admin"), "localhost:" + port).ok());
  EXPECT_EQ(Call(As("admin"), "127.0.0.2:" + port).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, BearerTokensAreASecondWayIn) {
  auto tokens = TokenFile::Parse("s3cret,jane,1001,\"dev\"\n", "tokens.csv");
  ASSERT_TRUE(tokens.ok());
  Serve(*tokens, /*optional_client_certificate=*/true);
  ClientCredentials jane{.ca_pem = ReadFile(pki_.Join("ca.crt")), .token = "s3cret"};
  grpc::Status s = Call(jane);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(service_.last()->name, "jane");
  EXPECT_EQ(service_.last()->uid, "1001");
  EXPECT_THAT(service_.last()->groups, ElementsAre("dev", "system:authenticated"));
  jane.token = "wrong";
  s = Call(jane);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(), "Unauthorized");
  jane.token.clear();
  EXPECT_EQ(Call(jane).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // Certificates still work beside tokens.
  EXPECT_TRUE(Call(As("scheduler")).ok());
  EXPECT_EQ(service_.last()->name, "system:kube-scheduler");
}

TEST_F(MutualTlsTest, ARenewedServerCertificateIsServedWithoutARestart) {
  Serve();
  auto serial_seen = [&] {
    grpc::ClientContext ctx;
    EXPECT_TRUE(Call(As("admin"), "", &ctx).ok());
    auto pems = ctx.auth_context()->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
    if (pems.empty()) return std::string();
    auto info = ParseCertificate(std::string(pems[0].data(), pems[0].size()));
    return info.ok() ? info->serial : std::string();
  };
  std::string before = serial_seen();
  ASSERT_FALSE(before.empty());
  ASSERT_OK(RenewCertificate(pki_.path(), "api-server", absl::Now(), absl::Hours(24)));
  std::string renewed = ParseCertificate(ReadFile(pki_.Join("api-server.crt")))->serial;
  ASSERT_NE(renewed, before);
  EXPECT_TRUE(itest::WaitFor([&] { return serial_seen() == renewed; }, absl::Seconds(15)));
}

TEST(ServerCredentialsTest, MistakesAreNamedAtStart) {
  testing::TempDir pki;
  ASSERT_OK(EnsureClusterPki({.dir = pki.path(), .server = "127.0.0.1:1"}));
  ServerTlsOptions options{.cert_file = pki.Join("api-server.crt"),
                           .key_file = pki.Join("admin.key"),
                           .client_ca_file = pki.Join("ca.crt")};
  EXPECT_THAT(NewServerCredentials(options),
              ::ordo::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                        HasSubstr("--tls-private-key-file")));
  options.key_file = pki.Join("api-server.key");
  options.client_ca_file = pki.Join("nope.crt");
  EXPECT_THAT(
      NewServerCredentials(options),
      ::ordo::testing::StatusIs(absl::StatusCode::kNotFound, HasSubstr("--client-ca-file")));
  options.client_ca_file = pki.Join("api-server.key");
  EXPECT_THAT(NewServerCredentials(options),
              ::ordo::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                        HasSubstr("no PEM certificate")));
}

}  // namespace
}  // namespace ordo::security
