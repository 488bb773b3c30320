// Lists that page (Kubernetes' limit and continue) through the registry's wire
// encoding: every page of one list at the first page's revision, selectors
// applied before the limit, expired and mangled tokens refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock/fake_clock.h"
#include "common/store/memory_store.h"
#include "common/testing/status_matchers.h"
#include "ordo/core/v1/core.pb.h"
#include "services/api-server/registry.h"

namespace ordo::apiserver {
namespace {

using ::ordo::testing::StatusIs;
using ::testing::HasSubstr;

class RegistryListTest : public ::testing::Test {
 protected:
  explicit RegistryListTest(size_t window = 10'000)
      : store_(store::MemoryStoreOptions{.event_window = window}),
        pods_(StrategyFor("Pod"), store_, clock_, nullptr) {}

  void CreatePod(const std::string& name, const std::string& app = "web") {
    core::v1::Pod pod;
    pod.mutable_metadata()->set_name(name);
    (*pod.mutable_metadata()->mutable_labels())["app"] = app;
    auto* c = pod.mutable_spec()->add_containers();
    c->set_name("app");
    c->set_image("ordo-podapp:1");
    ASSERT_OK(pods_.Create(pod));
  }

  absl::StatusOr<core::v1::PodList> Page(meta::v1::ListOptions options) {
    auto bytes = pods_.ListBytes(options);
    if (!bytes.ok()) return bytes.status();
    core::v1::PodList list;
    if (!list.ParseFromString(*bytes)) return absl::InternalError("unparsable list");
    return list;
  }

  // Every page from the first; the names in order and how many pages.
  std::vector<std::string> Walk(meta::v1::ListOptions options, int* pages = nullptr) {
    std::vector<std::string> names;
    std::string revision;
    for (int n = 1;; ++n) {
      auto page = Page(options);
      EXPECT_OK(page);
      if (!page.ok()) return names;
      if (revision.empty()) revision = page->metadata().resource_version();
      EXPECT_EQ(page->metadata().resource_version(), revision);
      for (const auto& pod : page->items()) names.push_back(pod.metadata().name());
      if (page->metadata().continue_().empty()) {
        if (pages != nullptr) *pages = n;
        return names;
      }
      options.set_continue_(page->metadata().continue_());
    }
  }

  store::MemoryStore store_;
  FakeClock clock_;
  Registry pods_;
};

TEST_F(RegistryListTest, PagesOfALimitCoverTheListOnce) {
  for (int i = 0; i < 7; ++i) CreatePod("web-" + std::to_string(i));
  meta::v1::ListOptions options;
  options.set_limit(3);
  int pages = 0;
  EXPECT_THAT(Walk(options, &pages), ::testing::ElementsAre("web-0", "web-1", "web-2", "web-3",
                                                            "web-4", "web-5", "web-6"));
  EXPECT_EQ(pages, 3);
  // Without a limit: one page, no continue.
  options.set_limit(0);
  Walk(options, &pages);
  EXPECT_EQ(pages, 1);
}

TEST_F(RegistryListTest, LaterPagesAreReadAtTheFirstPagesRevision) {
  for (int i = 0; i < 4; ++i) CreatePod("web-" + std::to_string(i));
  meta::v1::ListOptions options;
  options.set_limit(2);
  auto first = Page(options);
  ASSERT_OK(first);
  CreatePod("web-9");  // after the first page: not in this list
  meta::v1::DeleteRequest del;
  del.set_namespace_("default");
  del.set_name("web-3");
  ASSERT_OK(pods_.Delete(del));  // unscheduled: gone at once, but listed
  options.set_continue_(first->metadata().continue_());
  auto second = Page(options);
  ASSERT_OK(second);
  ASSERT_EQ(second->items_size(), 2);
  EXPECT_EQ(second->items(1).metadata().name(), "web-3");
  EXPECT_EQ(second->metadata().resource_version(), first->metadata().resource_version());
  EXPECT_TRUE(second->metadata().continue_().empty());
}

TEST_F(RegistryListTest, TheLimitCountsObjectsThatPassTheSelector) {
  for (int i = 0; i < 10; ++i) CreatePod("p-" + std::to_string(i), i % 3 == 0 ? "db" : "web");
  meta::v1::ListOptions options;
  options.set_limit(2);
  options.set_label_selector("app=db");
  EXPECT_THAT(Walk(options), ::testing::ElementsAre("p-0", "p-3", "p-6", "p-9"));
}

TEST_F(RegistryListTest, APageSaysHowManyObjectsFollowItAtTheListsRevision) {
  for (int i = 0; i < 7; ++i) CreatePod("web-" + std::to_string(i));
  meta::v1::ListOptions options;
  options.set_limit(3);
  auto first = Page(options);
  ASSERT_OK(first);
  ASSERT_TRUE(first->metadata().has_remaining_item_count());
  EXPECT_EQ(first->metadata().remaining_item_count(), 4);
  CreatePod("web-9");  // after the first page: not counted in this list
  options.set_continue_(first->metadata().continue_());
  auto second = Page(options);
  ASSERT_OK(second);
  EXPECT_EQ(second->metadata().remaining_item_count(), 1);
  options.set_continue_(second->metadata().continue_());
  auto last = Page(options);
  ASSERT_OK(last);
  EXPECT_EQ(last->items_size(), 1);
  EXPECT_FALSE(last->metadata().has_remaining_item_count());  // complete: unset
}

TEST_F(RegistryListTest, APageOfASelectedListLeavesTheCountUnset) {
  for (int i = 0; i < 6; ++i) CreatePod("p-" + std::to_string(i), i % 2 == 0 ? "db" : "web");
  meta::v1::ListOptions options;
  options.set_limit(1);
  options.set_label_selector("app=db");
  auto first = Page(options);
  ASSERT_OK(first);
  EXPECT_FALSE(first->metadata().continue_().empty());
  EXPECT_FALSE(first->metadata().has_remaining_item_count());
}

TEST_F(RegistryListTest, BadLimitsAndTokensAreRefusedByName) {
  meta::v1::ListOptions options;
  options.set_limit(-1);
  EXPECT_THAT(Page(options), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("limit")));
  options.set_limit(1);
  options.set_continue_("garbage!");
  EXPECT_THAT(Page(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("continue key is not valid")));
}

class ShortHistoryListTest : public RegistryListTest {
 protected:
  ShortHistoryListTest() : RegistryListTest(/*window=*/5) {}
};

TEST_F(ShortHistoryListTest, ATokenOlderThanTheHistoryIsOutOfRange) {
  for (int i = 0; i < 3; ++i) CreatePod("web-" + std::to_string(i));
  meta::v1::ListOptions options;
  options.set_limit(1);
  auto first = Page(options);
  ASSERT_OK(first);
  for (int i = 0; i < 10; ++i) CreatePod("later-" + std::to_string(i));
  options.set_continue_(first->metadata().continue_());
  EXPECT_THAT(Page(options),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("continue parameter is too old")));
}

}  // namespace
}  // namespace ordo::apiserver
