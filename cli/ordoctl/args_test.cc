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

namespace ordo::ctl {
namespace {

TEST(ArgsTest, PatchTakesDashPAsThePatch) {
  const char* argv[] = {"ordoctl", "patch", "sts", "web", "-p", "{\"spec\":{}}", "--type=merge"};
  auto args = ParseArgs(7, const_cast<char**>(argv));
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->Get("patch"), "{\"spec\":{}}");
  EXPECT_EQ(args->Get("type"), "merge");
  const char* eq[] = {"ordoctl", "patch", "sts/web", "-p=[]"};
  args = ParseArgs(4, const_cast<char**>(eq));
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->Get("patch"), "[]");
  const char* logs[] = {"ordoctl", "logs", "web-0", "-p"};
  args = ParseArgs(4, const_cast<char**>(logs));
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->Get("previous"), "true");
}

}  // namespace
}  // namespace ordo::ctl
