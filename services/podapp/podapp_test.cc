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

// Ordinal 0 takes writes; a follower copies them through the change feed
// and refuses writes of its own.
TEST(PodAppTest, AFollowerCopiesThePrimarysWritesThroughTheChangeFeed) {
  testing::TempDir primary_dir, follower_dir;
  Config primary{.hostname = "web-0", .data_dir = primary_dir.path()};
  Config follower{.hostname = "web-1",
                  .data_dir = follower_dir.path(),
                  .replicate_from = "http://web-0.nginx:80"};
  int asked = 0;
  Fetch fetch = [&](const std::string& path) -> absl::StatusOr<Response> {
    ++asked;
    return Handle(primary, "GET", path, "");
  };
  EXPECT_EQ(Handle(primary, "GET", "/changes?after=0", "").code, 204);
  ASSERT_EQ(FollowOnce(follower, fetch).value_or(true), false);  // nothing yet
  ASSERT_EQ(Handle(primary, "PUT", "/data", "one").code, 200);
  ASSERT_EQ(Handle(primary, "PUT", "/data", "two").code, 200);
  EXPECT_EQ(Handle(primary, "GET", "/changes?after=0", "").body, "2\ntwo");
  EXPECT_EQ(Handle(primary, "GET", "/changes?after=2", "").code, 204);
  EXPECT_EQ(Handle(primary, "GET", "/changes?after=x", "").code, 400);
  ASSERT_EQ(FollowOnce(follower, fetch).value_or(false), true);
  EXPECT_EQ(Handle(follower, "GET", "/data", "").body, "two");
  ASSERT_EQ(FollowOnce(follower, fetch).value_or(true), false);  // up to date
  EXPECT_EQ(asked, 3);
  Response refused = Handle(follower, "PUT", "/data", "mine");
  EXPECT_EQ(refused.code, 409);
  EXPECT_EQ(refused.body, "read-only: a follower of http://web-0.nginx:80; write to the primary\n");
  // A primary that answers nonsense is an error, and nothing is stored.
  Fetch broken = [](const std::string&) -> absl::StatusOr<Response> {
    return Response{500, "oops"};
  };
  EXPECT_FALSE(FollowOnce(follower, broken).ok());
  EXPECT_EQ(Handle(follower, "GET", "/data", "").body, "two");
}

TEST(PodAppTest, ThePodTheUrlNamesIsThePrimary) {
  EXPECT_TRUE(IsPrimaryOf("db-0", "http://db-0.db:80"));
  EXPECT_TRUE(IsPrimaryOf("db-0", "http://db-0:80"));
  EXPECT_FALSE(IsPrimaryOf("db-1", "http://db-0.db:80"));
  EXPECT_FALSE(IsPrimaryOf("db-0", ""));
  EXPECT_FALSE(IsPrimaryOf("", "http://db-0.db"));
}

TEST(PodAppTest, ExitsWithTheRequestedCode) {
  Config config{.hostname = "web-0"};
  EXPECT_EQ(Handle(config, "GET", "/exit?code=3", "").exit_code, 3);
  EXPECT_EQ(Handle(config, "GET", "/exit?code=x", "").code, 400);
  EXPECT_FALSE(Handle(config, "GET", "/", "").exit_code.has_value());
}

}  // namespace
}  // namespace ordo::podapp
