// Request metrics: methods in Kubernetes' words, codes as kube-apiserver
// answers them, and a call through a real gRPC server counted once with its
// duration.
#include "services/api-server/request_metrics.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "prometheus/text_serializer.h"

namespace ordo::apiserver {
namespace {

TEST(RequestMetricsTest, MethodsInKubernetesWords) {
  RequestKind kind = DescribeMethod("/ordo.apps.v1.StatefulSets/UpdateStatus");
  EXPECT_EQ(kind.verb, "update");
  EXPECT_EQ(kind.group, "apps");
  EXPECT_EQ(kind.resource, "statefulsets");
  EXPECT_EQ(kind.subresource, "status");
  kind = DescribeMethod("/ordo.core.v1.Pods/Create");
  EXPECT_EQ(kind.verb, "create");
  EXPECT_EQ(kind.group, "");
  EXPECT_EQ(kind.resource, "pods");
  kind = DescribeMethod("/ordo.velero.v1.Backups/Watch");
  EXPECT_EQ(kind.verb, "watch");
  EXPECT_EQ(kind.group, "velero.io");
  kind = DescribeMethod("/grpc.health.v1.Health/Check");
  EXPECT_EQ(kind.verb, "check");
  EXPECT_EQ(kind.resource, "health");
}

TEST(RequestMetricsTest, CodesAsKubeApiserverAnswers) {
  EXPECT_EQ(HttpCodeOf(grpc::StatusCode::OK, "create"), 201);
  EXPECT_EQ(HttpCodeOf(grpc::StatusCode::OK, "get"), 200);
  EXPECT_EQ(HttpCodeOf(grpc::StatusCode::NOT_FOUND, "get"), 404);
  EXPECT_EQ(HttpCodeOf(grpc::StatusCode::ABORTED, "update"), 409);
  EXPECT_EQ(HttpCodeOf(grpc::StatusCode::INVALID_ARGUMENT, "create"), 422);
  EXPECT_EQ(HttpCodeOf(grpc::StatusCode::PERMISSION_DENIED, "list"), 403);
}

// Serving: "" only.
class Health final : public grpc::health::v1::Health::Service {
  grpc::Status Check(grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override {
    if (!request->service().empty()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown");
    response->set_status(grpc::health::v1::HealthCheckResponse::SERVING);
    return grpc::Status::OK;
  }
};

TEST(RequestMetricsTest, ACallThroughTheServerIsCountedOnce) {
  auto registry = std::make_shared<prometheus::Registry>();
  Health health;
  grpc::ServerBuilder builder;
  builder.RegisterService(&health);
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(RequestMetricsInterceptor(registry));
  builder.experimental().SetInterceptorCreators(std::move(creators));
  auto server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(stub->Check(&ctx, request, &response).ok());
  grpc::ClientContext missing;
  request.set_service("no-such-service");
  EXPECT_EQ(stub->Check(&missing, request, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  server->Shutdown();
  std::string text = prometheus::TextSerializer().Serialize(registry->Collect());
  EXPECT_NE(
      text.find(
          R"(apiserver_request_total{code="200",group="",resource="health",subresource="",verb="check"} 1)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          R"(apiserver_request_total{code="404",group="",resource="health",subresource="",verb="check"} 1)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          R"(apiserver_request_duration_seconds_count{group="",resource="health",subresource="",verb="check"} 2)"),
      std::string::npos)
      << text;
}

}  // namespace
}  // namespace ordo::apiserver
