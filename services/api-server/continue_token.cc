#include "services/api-server/continue_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace ordo::apiserver {
namespace {

constexpr char kVersion[] = "meta.k8s.io/v1";

absl::Status Invalid(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("continue key is not valid: ", why));
}

}  // namespace

std::string EncodeContinue(const ContinueToken& token) {
  google::protobuf::Struct s;
  (*s.mutable_fields())["v"].set_string_value(kVersion);
  (*s.mutable_fields())["rv"].set_number_value(static_cast<double>(token.revision));
  (*s.mutable_fields())["start"].set_string_value(token.start);
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(s, &json);
  return absl::WebSafeBase64Escape(json);
}

absl::StatusOr<ContinueToken> DecodeContinue(absl::string_view encoded) {
  std::string json;
  if (!absl::WebSafeBase64Unescape(encoded, &json)) return Invalid("not base64");
  google::protobuf::Struct s;
  if (!google::protobuf::util::JsonStringToMessage(json, &s).ok()) return Invalid("not JSON");
  const auto& f = s.fields();
  auto v = f.find("v");
  auto rv = f.find("rv");
  auto start = f.find("start");
  if (v == f.end() || v->second.string_value() != kVersion) {
    return Invalid("unsupported version");
  }
  if (rv == f.end() || !rv->second.has_number_value() || rv->second.number_value() < 1 ||
      rv->second.number_value() !=
          static_cast<double>(static_cast<int64_t>(rv->second.number_value()))) {
    return Invalid("incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
  if (start == f.end() || !start->second.has_string_value() ||
      absl::StartsWith(start->second.string_value(), "/")) {
    return Invalid("the start key must be relative");
  }
  return ContinueToken{.revision = static_cast<int64_t>(rv->second.number_value()),
                       .start = start->second.string_value()};
}

}  // namespace ordo::apiserver
