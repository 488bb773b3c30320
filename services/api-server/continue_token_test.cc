// Continue tokens round-trip, and anything else is refused by name.
#include "services/api-server/continue_token.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "common/testing/status_matchers.h"

namespace ordo::apiserver {
namespace {

using ::ordo::testing::StatusIs;

TEST(ContinueTokenTest, RoundTrips) {
  ContinueToken token{.revision = 123456789012, .start = std::string("default/web-7\0", 14)};
  auto back = DecodeContinue(EncodeContinue(token));
  ASSERT_OK(back);
  EXPECT_EQ(back->revision, 123456789012);
  EXPECT_EQ(back->start, token.start);
}

TEST(ContinueTokenTest, MangledTokensAreInvalidAndSaySo) {
  for (const std::string& bad :
       {std::string("!!!"), absl::WebSafeBase64Escape("not json"),
        absl::WebSafeBase64Escape(R"({"v":"other/v1","rv":5,"start":"a"})"),
        absl::WebSafeBase64Escape(R"({"v":"meta.k8s.io/v1","rv":0,"start":"a"})"),
        absl::WebSafeBase64Escape(R"({"v":"meta.k8s.io/v1","rv":1.5,"start":"a"})"),
        absl::WebSafeBase64Escape(R"({"v":"meta.k8s.io/v1","rv":5,"start":"/etc"})"),
        absl::WebSafeBase64Escape(R"({"v":"meta.k8s.io/v1","rv":5})")}) {
    EXPECT_THAT(DecodeContinue(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                              ::testing::HasSubstr("continue key is not valid")))
        << bad;
  }
}

}  // namespace
}  // namespace ordo::apiserver
