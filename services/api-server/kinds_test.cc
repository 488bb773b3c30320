// Every kind registered in common/api/kinds.h is whole: the api-server has a
// strategy for it and serves its gRPC service, and kubectl's names (kind,
// plural, short names) find it.
#include "common/api/kinds.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "common/clock/fake_clock.h"
#include "common/store/memory_store.h"
#include "services/api-server/kind_strategy.h"
#include "services/api-server/typed_services.h"

namespace ordo::apiserver {
namespace {

TEST(KindsTest, EveryRegisteredKindHasAStrategyAServiceAndKubectlNames) {
  store::MemoryStore store;
  FakeClock clock;
  ApiServer api(store, clock);
  server::Executor unary(1), watch(1);
  auto services = MakeServices(api, unary, watch);
  grpc::ServerBuilder builder;
  for (grpc::Service* service : services->services()) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  auto channel = server->InProcessChannel(grpc::ChannelArguments());
  int kinds = 0;
  api::ForEachKind([&]<typename T>() {
    ++kinds;
    using Traits = api::KindTraits<T>;
    SCOPED_TRACE(Traits::kKind);
    const api::ResourceInfo& info = Traits::Info();
    EXPECT_EQ(info.kind, Traits::kKind);
    EXPECT_EQ(info.prototype, &T::default_instance());
    EXPECT_EQ(info.namespaced, Traits::kNamespaced);
    EXPECT_EQ(info.has_status, Traits::kHasStatus);

    bool has_strategy = false;
    for (const KindStrategy& s : AllStrategies()) has_strategy |= s.info == &info;
    EXPECT_TRUE(has_strategy) << "no strategy in kind_strategy.cc";

    // Served: a List answers (an unregistered service would be UNIMPLEMENTED).
    grpc::ClientContext ctx;
    typename Traits::List list;
    grpc::Status listed = Traits::Service::NewStub(channel)->List(&ctx, {}, &list);
    EXPECT_TRUE(listed.ok()) << listed.error_message();

    for (const std::string& name :
         {info.kind, absl::AsciiStrToLower(info.kind), info.resource, info.GroupResource()}) {
      EXPECT_EQ(api::FindResource(name), &info) << name;
    }
    for (const std::string& short_name : info.short_names) {
      EXPECT_EQ(api::FindResource(short_name), &info) << short_name;
    }
  });
  EXPECT_EQ(kinds, static_cast<int>(api::AllResources().size()));
  EXPECT_EQ(AllStrategies().size(), api::AllResources().size());
  // One service per kind, and authorization.k8s.io's AccessReviews.
  EXPECT_EQ(services->services().size(), api::AllResources().size() + 1);
  server->Shutdown();
}

}  // namespace
}  // namespace ordo::apiserver
