#include "services/podapp/podapp.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/testing/temp_dir.h"

namespace ordo::podapp {
namespace {

TEST(PodAppTest, AnswersHostnameAndHealth) {
  Config config{.hostname = "web-0"};
  EXPECT_EQ(Handle(config, "GET", "/", "").body, "web-0\n");
  EXPECT_EQ(Handle(config, "GET", "/healthz", "").code, 200);
  EXPECT_EQ(Handle(config, "GET", "/nope", "").code, 404);
}

TEST(PodAppTest, ReadinessFollowsTheUnreadyFile) {
  testing::TempDir dir;
  Config config{.hostname = "web-0", .unready_file = dir.path() + "/unready"};
  EXPECT_EQ(Handle(config, "GET", "/readyz", "").code, 200);
  std::ofstream(config.unready_file) << "x";
  EXPECT_EQ(Handle(config, "GET", "/readyz", "").code, 503);
}

TEST(PodAppTest, StoresAndReadsData) {
  testing::TempDir dir;
  Config config{.hostname = "web-0", .data_dir = dir.path()};
  EXPECT_EQ(Handle(config, "GET", "/data", "").code, 404);
  EXPECT_EQ(Handle(config, "PUT", "/data", "hello").code, 200);
  EXPECT_EQ(Handle(config, "GET", "/data", "").body, "hello");
}

TEST(PodAppTest, ExitsWithTheRequestedCode) {
  Config config{.hostname = "web-0"};
  EXPECT_EQ(Handle(config, "GET", "/exit?code=3", "").exit_code, 3);
  EXPECT_EQ(Handle(config, "GET", "/exit?code=x", "").code, 400);
  EXPECT_FALSE(Handle(config, "GET", "/", "").exit_code.has_value());
}

}  // namespace
}  // namespace ordo::podapp
