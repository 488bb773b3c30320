// --controllers as kube-controller-manager reads it.
#include "services/controller-manager/controller_descriptor.h"

#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace ordo::controller {
namespace {

using ::ordo::testing::StatusIs;

std::vector<ControllerDescriptor> Table() {
  return {{.name = "statefulset"},
          {.name = "nodelifecycle"},
          {.name = "opt-in", .enabled_by_default = false}};
}

std::vector<std::string> Names(const std::string& flag) {
  auto enabled = EnabledControllers(flag, Table());
  EXPECT_OK(enabled);
  std::vector<std::string> out;
  if (enabled.ok()) {
    for (const auto& d : *enabled) out.push_back(d.name);
  }
  return out;
}

TEST(EnabledControllersTest, StarIsEveryControllerOnByDefault) {
  EXPECT_EQ(Names("*"), (std::vector<std::string>{"statefulset", "nodelifecycle"}));
}

TEST(EnabledControllersTest, MinusTurnsOneOffAndANameTurnsOneOn) {
  EXPECT_EQ(Names("*,-nodelifecycle"), (std::vector<std::string>{"statefulset"}));
  EXPECT_EQ(Names("*,opt-in"),
            (std::vector<std::string>{"statefulset", "nodelifecycle", "opt-in"}));
  EXPECT_EQ(Names("nodelifecycle"), (std::vector<std::string>{"nodelifecycle"}));
  EXPECT_TRUE(Names("").empty());
}

TEST(EnabledControllersTest, AnUnknownNameIsAnErrorNamingIt) {
  EXPECT_THAT(EnabledControllers("*,-nodelifecyle", Table()),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("nodelifecyle")));
}

}  // namespace
}  // namespace ordo::controller
