#include "cli/ordoctl/args.h"

#include <gtest/gtest.h>

namespace ordo::ctl {
namespace {

absl::StatusOr<Args> Parse(std::vector<std::string> words) {
  std::vector<char*> argv = {const_cast<char*>("ordoctl")};
  for (auto& w : words) argv.push_back(w.data());
  return ParseArgs(static_cast<int>(argv.size()), argv.data());
}

TEST(ArgsTest, FlagsAnywhereShortAndLong) {
  auto a = Parse({"get", "pods", "-n", "prod", "-o=yaml", "web-0", "--selector", "app=web", "-A"});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->positional, (std::vector<std::string>{"get", "pods", "web-0"}));
  EXPECT_EQ(a->Get("namespace"), "prod");
  EXPECT_EQ(a->Get("output"), "yaml");
  EXPECT_EQ(a->Get("selector"), "app=web");
  EXPECT_EQ(a->Get("all-namespaces"), "true");
}

TEST(ArgsTest, StdinDashAndErrors) {
  auto a = Parse({"apply", "-f", "-"});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->Get("filename"), "-");
  EXPECT_FALSE(Parse({"get", "--bogus"}).ok());
  EXPECT_FALSE(Parse({"get", "-n"}).ok());
  auto rest = Parse({"exec", "--", "ls", "-l"});
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->positional, (std::vector<std::string>{"exec", "ls", "-l"}));
}

}  // namespace
}  // namespace ordo::ctl
