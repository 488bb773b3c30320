// Logging: a JSON line is valid JSON whatever the message holds, the text
// format is the readable one, --v lowers the level, and bad flags are named.
#include "common/server/logging.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <sstream>

#include "common/testing/status_matchers.h"
#include "spdlog/sinks/ostream_sink.h"

namespace ordo::server {
namespace {

using ::ordo::testing::StatusIs;

class LoggingTest : public ::testing::Test {
 protected:
  std::ostringstream out_;
  spdlog::logger logger_{"api-server", std::make_shared<spdlog::sinks::ostream_sink_st>(out_)};
};

TEST_F(LoggingTest, JsonLinesStayJsonWhateverTheMessageHolds) {
  ASSERT_OK(ConfigureLogger(logger_, {.format = LogFormat::kJson}));
  logger_.warn("pod \"web-0\": exit\n\tcode \\1\x01");
  google::protobuf::Struct line;
  std::string text = out_.str();
  ASSERT_EQ(text.back(), '\n');
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(text, &line).ok()) << text;
  EXPECT_EQ(line.fields().at("level").string_value(), "warning");
  EXPECT_EQ(line.fields().at("logger").string_value(), "api-server");
  EXPECT_EQ(line.fields().at("msg").string_value(), "pod \"web-0\": exit\n\tcode \\1\x01");
  EXPECT_EQ(line.fields().at("ts").string_value().back(), 'Z');
}

TEST_F(LoggingTest, TextIsOneReadableLine) {
  ASSERT_OK(ConfigureLogger(logger_, {}));
  logger_.info("serving");
  EXPECT_NE(out_.str().find(" I [api-server] serving\n"), std::string::npos) << out_.str();
}

TEST_F(LoggingTest, VerbosityLowersTheLevel) {
  ASSERT_OK(ConfigureLogger(logger_, {.level = "info", .verbosity = 2}));
  EXPECT_EQ(logger_.level(), spdlog::level::debug);
  ASSERT_OK(ConfigureLogger(logger_, {.level = "info", .verbosity = 4}));
  EXPECT_EQ(logger_.level(), spdlog::level::trace);
  ASSERT_OK(ConfigureLogger(logger_, {.level = "warn"}));
  EXPECT_EQ(logger_.level(), spdlog::level::warn);
}

TEST_F(LoggingTest, BadFlagsAreNamed) {
  EXPECT_THAT(ConfigureLogger(logger_, {.level = "loud"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "--log-level: \"loud\" is not one of "
                       "trace, debug, info, warn, error"));
  LogFormat format;
  EXPECT_THAT(ParseLogFormat("xml", &format), StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK(ParseLogFormat("json", &format));
  EXPECT_EQ(format, LogFormat::kJson);
}

}  // namespace
}  // namespace ordo::server
