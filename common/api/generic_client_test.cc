#include "common/api/generic_client.h"

#include <gtest/gtest.h>

#include "common/clock/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "ordo/core/v1/services.grpc.pb.h"

namespace ordo::api {
namespace {

TEST(GenericClientTest, EveryKindHasItsService) {
  for (const auto& info : AllResources()) {
    EXPECT_FALSE(GenericClient::ServiceOf(info).empty()) << info.kind;
  }
  EXPECT_EQ(GenericClient::ServiceOf(ResourceFor("Endpoints")), "ordo.core.v1.EndpointsService");
  EXPECT_EQ(GenericClient::ServiceOf(ResourceFor("StorageClass")),
            "ordo.storage.v1.StorageClasses");
}

class EchoPods final : public core::v1::Pods::Service {
  grpc::Status Get(grpc::ServerContext*, const meta::v1::GetRequest* req,
                   core::v1::Pod* out) override {
    out->mutable_metadata()->set_name(req->name());
    out->mutable_metadata()->set_namespace_(req->namespace_());
    return grpc::Status::OK;
  }
};

TEST(GenericClientTest, CallsByNameWithRuntimeTypes) {
  EchoPods service;
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  FakeClock clock;
  GenericClient client(server->InProcessChannel(grpc::ChannelArguments()), clock);
  auto got = client.Get(ResourceFor("Pod"), "default", "web-0");
  ASSERT_OK(got);
  EXPECT_EQ((*got)->GetDescriptor()->name(), "Pod");
  EXPECT_EQ(static_cast<const core::v1::Pod&>(**got).metadata().name(), "web-0");
  EXPECT_THAT(client.List(ResourceFor("Pod"), {}),
              ordo::testing::StatusIs(absl::StatusCode::kUnimplemented));
  server->Shutdown();
}

}  // namespace
}  // namespace ordo::api
