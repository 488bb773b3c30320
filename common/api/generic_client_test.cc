#include "common/api/generic_client.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/clock/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "ordo/core/v1/services.grpc.pb.h"
#include "ordo/meta/v1/partial.pb.h"

namespace ordo::api {
namespace {

// `service` served in this process, and a GenericClient dialing it.
struct InProcess {
  explicit InProcess(grpc::Service& service)
      : server([&] {
          grpc::ServerBuilder builder;
          builder.RegisterService(&service);
          return builder.BuildAndStart();
        }()),
        client(server->InProcessChannel(grpc::ChannelArguments()), clock) {}
  ~InProcess() { server->Shutdown(); }

  std::unique_ptr<grpc::Server> server;
  FakeClock clock;
  GenericClient client;
};

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
  InProcess server(service);
  GenericClient& client = server.client;
  auto got = client.Get(ResourceFor("Pod"), "default", "web-0");
  ASSERT_OK(got);
  EXPECT_EQ((*got)->GetDescriptor()->name(), "Pod");
  EXPECT_EQ(static_cast<const core::v1::Pod&>(**got).metadata().name(), "web-0");
  EXPECT_THAT(client.List(ResourceFor("Pod"), {}),
              ordo::testing::StatusIs(absl::StatusCode::kUnimplemented));
}

// Seven pods in pages of `limit`; the token is the index of the next pod.
class PagedPods final : public core::v1::Pods::Service {
 public:
  std::vector<int64_t> limits;  // what each call asked for

  grpc::Status List(grpc::ServerContext*, const meta::v1::ListOptions* req,
                    core::v1::PodList* out) override {
    limits.push_back(req->limit());
    int from = req->continue_().empty() ? 0 : std::stoi(req->continue_());
    int to = req->limit() == 0 ? 7 : std::min<int>(7, from + static_cast<int>(req->limit()));
    for (int i = from; i < to; ++i)
      out->add_items()->mutable_metadata()->set_name(absl::StrCat("p", i));
    out->mutable_metadata()->set_resource_version("42");
    if (to < 7) out->mutable_metadata()->set_continue_(absl::StrCat(to));
    return grpc::Status::OK;
  }
};

TEST(GenericClientTest, ListReadsEveryPageIntoOneList) {
  PagedPods service;
  InProcess server(service);
  GenericClient& client = server.client;
  auto listed = client.List(ResourceFor("Pod"), {}, /*page_size=*/3);
  ASSERT_OK(listed);
  const auto& pods = static_cast<const core::v1::PodList&>(**listed);
  ASSERT_EQ(pods.items_size(), 7);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(pods.items(i).metadata().name(), absl::StrCat("p", i));
  EXPECT_EQ(pods.metadata().resource_version(), "42");
  EXPECT_TRUE(pods.metadata().continue_().empty());
  EXPECT_EQ(service.limits, (std::vector<int64_t>{3, 3, 3}));
  // Page size 0: one unpaged call.
  ASSERT_OK(client.List(ResourceFor("Pod"), {}, 0));
  EXPECT_EQ(service.limits.back(), 0);
  EXPECT_EQ(service.limits.size(), 4u);
}

// PartialObjectMetadata decodes any kind's bytes only if every kind keeps
// api_version, kind and metadata at fields 1 to 3, and every list its
// metadata and items at 3 and 4, with the same types.
TEST(GenericClientTest, EveryKindAndListDecodesAsPartialObjectMetadata) {
  const auto* partial = meta::v1::PartialObjectMetadata::descriptor();
  const auto* partial_list = meta::v1::PartialObjectMetadataList::descriptor();
  auto same_field = [](const google::protobuf::Descriptor* a, const google::protobuf::Descriptor* b,
                       int number) {
    const auto* x = a->FindFieldByNumber(number);
    const auto* y = b->FindFieldByNumber(number);
    return x != nullptr && y != nullptr && x->type() == y->type() && x->label() == y->label() &&
           (x->message_type() == nullptr || x->message_type() == y->message_type());
  };
  for (const auto& info : AllResources()) {
    const auto* kind = info.prototype->GetDescriptor();
    for (int number : {1, 2, 3}) EXPECT_TRUE(same_field(kind, partial, number)) << info.kind;
    const auto* list =
        kind->file()->pool()->FindMessageTypeByName(absl::StrCat(kind->full_name(), "List"));
    ASSERT_NE(list, nullptr) << info.kind;
    for (int number : {1, 2, 3}) EXPECT_TRUE(same_field(list, partial_list, number)) << info.kind;
    const auto* items = list->FindFieldByNumber(4);
    ASSERT_NE(items, nullptr) << info.kind;
    EXPECT_TRUE(items->is_repeated() && items->message_type() == kind) << info.kind;
  }
}

TEST(GenericClientTest, ListMetadataPagesDecodesEveryPageAsPartialObjectMetadata) {
  PagedPods service;
  InProcess server(service);
  GenericClient& client = server.client;
  std::vector<std::string> names;
  ASSERT_OK(client.ListMetadataPages(ResourceFor("Pod"), {}, 3, [&](google::protobuf::Message& p) {
    EXPECT_EQ(p.GetDescriptor(), meta::v1::PartialObjectMetadataList::descriptor());
    const auto& page = static_cast<const meta::v1::PartialObjectMetadataList&>(p);
    EXPECT_EQ(page.metadata().resource_version(), "42");
    for (const auto& item : page.items()) names.push_back(item.metadata().name());
    return absl::OkStatus();
  }));
  EXPECT_EQ(names, (std::vector<std::string>{"p0", "p1", "p2", "p3", "p4", "p5", "p6"}));
  EXPECT_EQ(service.limits, (std::vector<int64_t>{3, 3, 3}));
}

TEST(GenericClientTest, TakeItemsMovesTheObjectsOutInOrder) {
  core::v1::PodList list;
  for (int i = 0; i < 4; ++i) list.add_items()->mutable_metadata()->set_name(absl::StrCat("p", i));
  const core::v1::Pod* second = &list.items(1);
  std::vector<MessagePtr> items = TakeItems(list);
  ASSERT_EQ(items.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(static_cast<const core::v1::Pod&>(*items[i]).metadata().name(), absl::StrCat("p", i));
  }
  EXPECT_EQ(items[1].get(), second);  // moved, not copied
  EXPECT_EQ(list.items_size(), 0);
}

}  // namespace
}  // namespace ordo::api
