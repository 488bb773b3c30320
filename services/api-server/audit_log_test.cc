#include "services/api-server/audit_log.h"

#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_split.h"
#include "common/testing/temp_dir.h"

namespace ordo::apiserver {
namespace {

using ::testing::ElementsAre;

AuditEvent Event(const std::string& name) {
  return {.audit_id = "0b1e-" + name,
          .user = {.name = "jane", .groups = {"dev", "system:authenticated"}},
          .source_ip = "127.0.0.1",
          .request = {.verb = "create",
                      .api_group = "apps",
                      .resource = "statefulsets",
                      .subresource = "scale",
                      .ns = "default",
                      .name = name},
          .api_version = "apps/v1",
          .code = 201,
          .received = absl::FromUnixMicros(1'800'000'000'123'456),
          .completed = absl::FromUnixMicros(1'800'000'000'125'000)};
}

google::protobuf::Struct Parse(const std::string& line) {
  google::protobuf::Struct out;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &out).ok()) << line;
  return out;
}

TEST(AuditLogTest, AnEventHasKubernetesAuditFields) {
  auto event = Parse(AuditJson(Event("web")));
  const auto& f = event.fields();
  EXPECT_EQ(f.at("apiVersion").string_value(), "audit.k8s.io/v1");
  EXPECT_EQ(f.at("kind").string_value(), "Event");
  EXPECT_EQ(f.at("level").string_value(), "Metadata");
  EXPECT_EQ(f.at("stage").string_value(), "ResponseComplete");
  EXPECT_EQ(f.at("auditID").string_value(), "0b1e-web");
  EXPECT_EQ(f.at("verb").string_value(), "create");
  const auto& user = f.at("user").struct_value().fields();
  EXPECT_EQ(user.at("username").string_value(), "jane");
  EXPECT_EQ(user.at("groups").list_value().values(0).string_value(), "dev");
  EXPECT_EQ(f.at("sourceIPs").list_value().values(0).string_value(), "127.0.0.1");
  const auto& ref = f.at("objectRef").struct_value().fields();
  EXPECT_EQ(ref.at("resource").string_value(), "statefulsets");
  EXPECT_EQ(ref.at("subresource").string_value(), "scale");
  EXPECT_EQ(ref.at("namespace").string_value(), "default");
  EXPECT_EQ(ref.at("name").string_value(), "web");
  EXPECT_EQ(ref.at("apiGroup").string_value(), "apps");
  EXPECT_EQ(ref.at("apiVersion").string_value(), "apps/v1");
  EXPECT_EQ(f.at("responseStatus").struct_value().fields().at("code").number_value(), 201);
  EXPECT_EQ(f.at("requestReceivedTimestamp").string_value(), "2027-01-15T08:00:00.123456Z");
  EXPECT_EQ(f.at("stageTimestamp").string_value(), "2027-01-15T08:00:00.125000Z");
}

TEST(AuditLogTest, CodesAreKubernetesHttpCodes) {
  EXPECT_EQ(HttpCode(0, "create"), 201);
  EXPECT_EQ(HttpCode(0, "delete"), 200);
  EXPECT_EQ(HttpCode(5, "get"), 404);
  EXPECT_EQ(HttpCode(6, "create"), 409);
  EXPECT_EQ(HttpCode(10, "update"), 409);
  EXPECT_EQ(HttpCode(3, "create"), 422);
  EXPECT_EQ(HttpCode(7, "create"), 403);
  EXPECT_EQ(HttpCode(16, "create"), 401);
  EXPECT_EQ(HttpCode(14, "create"), 503);
  EXPECT_EQ(HttpCode(13, "create"), 500);
}

TEST(AuditLogTest, TheFileRotatesBySizeKeepingTheNewestBackups) {
  testing::TempDir dir;
  std::string path = dir.Join("audit.log");
  size_t line = AuditJson(Event("web-00")).size() + 1;
  auto log = FileAuditLog::Open(path, static_cast<int64_t>(3 * line), 2);
  ASSERT_TRUE(log.ok()) << log.status();
  for (int i = 0; i < 10; ++i) (*log)->Record(Event(absl::StrCat("web-0", i)));
  auto names = [&](const std::string& file) {
    std::vector<std::string> out;
    std::ifstream in(file);
    for (std::string l; std::getline(in, l);) {
      out.push_back(
          Parse(l).fields().at("objectRef").struct_value().fields().at("name").string_value());
    }
    return out;
  };
  EXPECT_THAT(names(path), ElementsAre("web-09"));
  EXPECT_THAT(names(path + ".1"), ElementsAre("web-06", "web-07", "web-08"));
  EXPECT_THAT(names(path + ".2"), ElementsAre("web-03", "web-04", "web-05"));
  EXPECT_FALSE(std::filesystem::exists(path + ".3"));
}

TEST(AuditLogTest, AnUnwritablePathIsAnErrorNamingTheFlag) {
  auto log = FileAuditLog::Open("/nonexistent-dir/audit.log", 1 << 20, 1);
  ASSERT_FALSE(log.ok());
  EXPECT_THAT(std::string(log.status().message()), ::testing::HasSubstr("--audit-log-path"));
}

}  // namespace
}  // namespace ordo::apiserver
