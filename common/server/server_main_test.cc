// What a gRPC client depends on in every ordo server (StartGrpcServer):
// reflection that describes each service, keepalive pings at a sane rate
// accepted and abuse cut off, the receive limit refused clearly, gzip taken.
#include "common/server/server_main.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "common/server/channel.h"
#include "common/testing/reflection_client.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "ordo/agent/v1/agent.grpc.pb.h"
#include "ordo/apps/v1/services.grpc.pb.h"
#include "ordo/core/v1/services.grpc.pb.h"

namespace ordo::server {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::Contains;
using ::testing::HasSubstr;

class ServerMainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = StartGrpcServer("127.0.0.1:0", {&pods_, &stateful_sets_, &agent_});
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(started->server);
    address_ = "127.0.0.1:" + std::to_string(started->port);
  }
  void TearDown() override { server_->Shutdown(std::chrono::system_clock::now()); }

  // A plain channel with `args` only: not NewChannel's, which has its own limits.
  std::shared_ptr<grpc::Channel> Dial(grpc::ChannelArguments args) {
    args.SetInt("test.own_connection", next_connection_++);
    return grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), args);
  }

  // The health service's Watch stream, open until `seconds` pass or the
  // server cuts it; a client pinging every `ping_ms` with nothing else sent.
  grpc::Status WatchWhilePinging(int ping_ms, int seconds) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, ping_ms);
    args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5'000);
    args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    // gRPC's C++ client otherwise stops pinging after two pings without data.
    args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
    args.SetInt(GRPC_ARG_HTTP2_MIN_SENT_PING_INTERVAL_WITHOUT_DATA_MS, ping_ms);
    auto stub = Health::NewStub(Dial(args));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
    auto stream = stub->Watch(&context, HealthCheckRequest());
    HealthCheckResponse response;
    while (stream->Read(&response)) {
    }
    return stream->Finish();
  }

  ordo::core::v1::Pods::Service pods_;
  ordo::apps::v1::StatefulSets::Service stateful_sets_;
  ordo::agent::v1::KubeletAgent::Service agent_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  int next_connection_ = 0;
};

TEST_F(ServerMainTest, ReflectionDescribesEveryServiceAndItsMessages) {
  testing::ReflectionClient reflection(Dial({}));
  auto services = reflection.ListServices();
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(*services, Contains("ordo.core.v1.Pods"));
  EXPECT_THAT(*services, Contains("grpc.health.v1.Health"));
  for (const std::string& name : *services) {
    auto service = reflection.DescribeService(name);
    ASSERT_TRUE(service.ok()) << service.status();
    for (int i = 0; i < (*service)->method_count(); ++i) {
      const auto* method = (*service)->method(i);
      EXPECT_FALSE(method->input_type()->full_name().empty()) << method->full_name();
      EXPECT_FALSE(method->output_type()->full_name().empty()) << method->full_name();
    }
  }
  auto pods = reflection.DescribeService("ordo.core.v1.Pods");
  ASSERT_TRUE(pods.ok());
  ASSERT_NE((*pods)->FindMethodByName("Create"), nullptr);
  EXPECT_EQ((*pods)->FindMethodByName("Create")->input_type()->full_name(), "ordo.core.v1.Pod");
}

TEST_F(ServerMainTest, ReflectionSaysNotFoundForAnUnknownService) {
  testing::ReflectionClient reflection(Dial({}));
  EXPECT_EQ(reflection.DescribeService("ordo.core.v1.Nothing").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ServerMainTest, AClientPingingEveryTenSecondsIsNotCutOff) {
  // Four pings fall inside the 45 s; a server that counted them as abuse
  // (gRPC's default: more than one per 5 minutes without data) would have
  // ended the stream with UNAVAILABLE after the third.
  grpc::Status status = WatchWhilePinging(10'000, 45);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
}

TEST_F(ServerMainTest, AClientPingingEverySecondIsCutOff) {
  grpc::Status status = WatchWhilePinging(1'000, 30);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(ServerMainTest, AMessageOverTheLimitIsRefusedNamingIt) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(-1);
  auto stub = Health::NewStub(Dial(args));
  HealthCheckRequest request;
  request.set_service(std::string(kMaxMessageBytes + 1, 'x'));
  HealthCheckResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub->Check(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr(std::to_string(kMaxMessageBytes)));
}

TEST_F(ServerMainTest, AGzipCompressedCallIsAccepted) {
  grpc::ChannelArguments args;
  args.SetCompressionAlgorithm(GRPC_COMPRESS_GZIP);
  auto stub = Health::NewStub(Dial(args));
  HealthCheckRequest request;
  request.set_service("no-such-service");
  HealthCheckResponse response;
  grpc::ClientContext context;
  context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
  grpc::Status status = stub->Check(&context, request, &response);
  // The health service knows no such service: NOT_FOUND, from a request it read.
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  grpc::ClientContext overall;
  ASSERT_TRUE(stub->Check(&overall, HealthCheckRequest(), &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
}

}  // namespace
}  // namespace ordo::server
