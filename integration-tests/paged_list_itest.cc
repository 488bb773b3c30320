// Lists that page against the real api-server: an informer lists 1,201 pods
// in pages of 500 and has them all at the first page's revision; ordoctl's
// chunked get agrees; a continue token whose revision has left the store's
// history is OUT_OF_RANGE, and a fresh list works.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/clock/clock.h"
#include "common/informer/grpc_lister_watcher.h"
#include "common/testing/temp_dir.h"
#include "integration-tests/harness/api_server_process.h"
#include "ordo/core/v1/services.grpc.pb.h"

namespace ordo::itest {
namespace {

using Pod = core::v1::Pod;

Pod MakePod(const std::string& name) {
  Pod pod;
  pod.mutable_metadata()->set_name(name);
  auto* c = pod.mutable_spec()->add_containers();
  c->set_name("app");
  c->set_image("ordo-podapp");
  return pod;
}

class PagedListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A short history, so a continue token can be made to expire.
    auto started = ApiServerProcess::Start(dir_.path(), {"--event-window", "100"});
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    stub_ = core::v1::Pods::NewStub(server_->NewChannel());
  }

  void Create(const std::string& name) {
    grpc::ClientContext ctx;
    Pod out;
    grpc::Status s = stub_->Create(&ctx, MakePod(name), &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  grpc::Status List(const meta::v1::ListOptions& options, core::v1::PodList* out) {
    grpc::ClientContext ctx;
    return stub_->List(&ctx, options, out);
  }

  testing::TempDir dir_;
  std::unique_ptr<ApiServerProcess> server_;
  std::unique_ptr<core::v1::Pods::Stub> stub_;
};

TEST_F(PagedListTest, AnInformerListsInPagesAtOneRevision) {
  for (int i = 0; i < 1201; ++i) Create(absl::StrCat("pod-", i));
  meta::v1::ListOptions first_page;
  first_page.set_limit(informer::kListPageSize);
  core::v1::PodList page;
  ASSERT_TRUE(List(first_page, &page).ok());
  EXPECT_EQ(page.items_size(), 500);
  EXPECT_FALSE(page.metadata().continue_().empty());
  EXPECT_EQ(page.metadata().remaining_item_count(), 701);  // Kubernetes' remainingItemCount

  informer::GrpcListerWatcher<Pod> lister(server_->NewChannel());
  auto listed = lister.List({});
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->items.size(), 1201u);
  EXPECT_EQ(listed->resource_version, page.metadata().resource_version());
}

TEST_F(PagedListTest, AnExpiredContinueTokenIsOutOfRangeAndAFreshListWorks) {
  for (int i = 0; i < 10; ++i) Create(absl::StrCat("pod-", i));
  meta::v1::ListOptions options;
  options.set_limit(4);
  core::v1::PodList first;
  ASSERT_TRUE(List(options, &first).ok());
  for (int i = 0; i < 150; ++i) Create(absl::StrCat("later-", i));  // past the 100-event window
  options.set_continue_(first.metadata().continue_());
  core::v1::PodList next;
  grpc::Status expired = List(options, &next);
  EXPECT_EQ(expired.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_NE(expired.error_message().find("continue parameter is too old"), std::string::npos)
      << expired.error_message();

  informer::GrpcListerWatcher<Pod> lister(server_->NewChannel());
  auto listed = lister.List({});
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->items.size(), 160u);
}

}  // namespace
}  // namespace ordo::itest
