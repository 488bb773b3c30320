#include "common/server/logging.h"

#include <cstdio>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "spdlog/pattern_formatter.h"

namespace ordo::server {
namespace {

// %j: the message as the inside of a JSON string. spdlog's patterns copy the
// message verbatim, and a quote or newline in it would break the line's JSON.
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    auto put = [&dest](std::string_view s) { dest.append(s.data(), s.data() + s.size()); };
    for (char c : msg.payload) {
      switch (c) {
        case '"':
          put("\\\"");
          break;
        case '\\':
          put("\\\\");
          break;
        case '\n':
          put("\\n");
          break;
        case '\r':
          put("\\r");
          break;
        case '\t':
          put("\\t");
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char code[7];
            std::snprintf(code, sizeof code, "\\u%04x", c);
            put(std::string_view(code, 6));
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonEscapedMessage>();
  }
};

}  // namespace

absl::Status ParseLogFormat(const std::string& text, LogFormat* format) {
  if (text == "text") {
    *format = LogFormat::kText;
  } else if (text == "json") {
    *format = LogFormat::kJson;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--log-format: \"", text, "\" is neither text nor json"));
  }
  return absl::OkStatus();
}

absl::Status ConfigureLogger(spdlog::logger& logger, const LogOptions& options) {
  spdlog::level::level_enum level = spdlog::level::from_str(options.level);
  if (level == spdlog::level::off && options.level != "off") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--log-level: \"", options.level, "\" is not one of trace, debug, info, warn, error"));
  }
  if (options.verbosity >= 4) {
    level = std::min(level, spdlog::level::trace);
  } else if (options.verbosity >= 2) {
    level = std::min(level, spdlog::level::debug);
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (options.format == LogFormat::kJson) {
    // Times in UTC, RFC 3339 with a Z, as log shippers expect.
    formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonEscapedMessage>('j').set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n","msg":"%j"})");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%L%$ [%n] %v");
  }
  logger.set_formatter(std::move(formatter));
  logger.set_level(level);
  return absl::OkStatus();
}

}  // namespace ordo::server
