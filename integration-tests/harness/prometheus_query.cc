#include "integration-tests/harness/prometheus_query.h"

#include <google/protobuf/util/json_util.h>

#include <cctype>

#include "absl/strings/str_cat.h"
#include "common/testing/http_get.h"

namespace ordo::itest {

std::vector<google::protobuf::Value> PrometheusQuery(int port, const std::string& promql) {
  std::string encoded;  // the query string's percent-encoding
  for (unsigned char c : promql) {
    if (std::isalnum(c) || c == '_') {
      encoded.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&encoded, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  const std::string response = testing::HttpGet(port, "/api/v1/query?query=" + encoded);
  const size_t body = response.find("\r\n\r\n");
  google::protobuf::Struct parsed;
  if (body == std::string::npos ||
      !google::protobuf::util::JsonStringToMessage(response.substr(body + 4), &parsed).ok()) {
    return {};
  }
  auto data = parsed.fields().find("data");
  if (data == parsed.fields().end()) return {};
  const auto& fields = data->second.struct_value().fields();
  auto result = fields.find("result");
  if (result == fields.end()) return {};
  return {result->second.list_value().values().begin(), result->second.list_value().values().end()};
}

std::string SeriesValue(const google::protobuf::Value& series) {
  auto value = series.struct_value().fields().find("value");
  if (value == series.struct_value().fields().end()) return "";
  const auto& pair = value->second.list_value();
  return pair.values_size() == 2 ? pair.values(1).string_value() : "";
}

}  // namespace ordo::itest
