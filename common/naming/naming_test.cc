#include "common/naming/naming.h"

#include <gtest/gtest.h>

namespace ordo::naming {
namespace {

TEST(NamingTest, Dns1123Label) {
  for (const char* ok : {"web", "web-0", "a", "0", "a-b-c", "x123"}) {
    EXPECT_TRUE(IsDns1123Label(ok).empty()) << ok;
  }
  for (const char* bad : {"", "Web", "-web", "web-", "web.0", "web_0", "wéb"}) {
    EXPECT_FALSE(IsDns1123Label(bad).empty()) << bad;
  }
  EXPECT_TRUE(IsDns1123Label(std::string(63, 'a')).empty());
  EXPECT_EQ(IsDns1123Label(std::string(64, 'a')).front(), "must be no more than 63 characters");
}

TEST(NamingTest, Dns1123Subdomain) {
  EXPECT_TRUE(IsDns1123Subdomain("example.com").empty());
  EXPECT_TRUE(IsDns1123Subdomain("www-web-0").empty());
  EXPECT_FALSE(IsDns1123Subdomain("a..b").empty());
  EXPECT_FALSE(IsDns1123Subdomain(".a").empty());
  EXPECT_FALSE(IsDns1123Subdomain(std::string(254, 'a')).empty());
}

TEST(NamingTest, QualifiedNamesAndLabelValues) {
  EXPECT_TRUE(IsQualifiedName("app").empty());
  EXPECT_TRUE(IsQualifiedName("statefulset.kubernetes.io/pod-name").empty());
  EXPECT_TRUE(IsQualifiedName("My_Name.x").empty());
  EXPECT_FALSE(IsQualifiedName("/x").empty());
  EXPECT_FALSE(IsQualifiedName("a/b/c").empty());
  EXPECT_FALSE(IsQualifiedName("Bad Prefix/x").empty());
  EXPECT_TRUE(IsValidLabelValue("").empty());
  EXPECT_TRUE(IsValidLabelValue("web-0").empty());
  EXPECT_FALSE(IsValidLabelValue("-x").empty());
  EXPECT_FALSE(IsValidLabelValue(std::string(64, 'a')).empty());
}

}  // namespace
}  // namespace ordo::naming
