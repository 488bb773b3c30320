#include "common/status/field_errors.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/error_details.h"
#include "google/rpc/error_details.pb.h"

namespace ordo::status {

FieldPath FieldPath::Child(absl::string_view name) const {
  FieldPath p;
  p.path_ = path_.empty() ? std::string(name) : absl::StrCat(path_, ".", name);
  return p;
}

FieldPath FieldPath::Index(int i) const {
  FieldPath p;
  p.path_ = absl::StrCat(path_, "[", i, "]");
  return p;
}

FieldPath FieldPath::Key(absl::string_view key) const {
  FieldPath p;
  p.path_ = absl::StrCat(path_, "[", key, "]");
  return p;
}

namespace {

absl::string_view TypeText(FieldError::Type type) {
  switch (type) {
    case FieldError::Type::kRequired:
      return "Required value";
    case FieldError::Type::kInvalid:
      return "Invalid value";
    case FieldError::Type::kForbidden:
      return "Forbidden";
    case FieldError::Type::kUnsupported:
      return "Unsupported value";
    case FieldError::Type::kDuplicate:
      return "Duplicate value";
    case FieldError::Type::kTooLong:
      return "Too long";
    case FieldError::Type::kNotFound:
      return "Not found";
  }
  return "Invalid value";
}

}  // namespace

std::string FieldError::ToString() const {
  std::string out = absl::StrCat(field, ": ", TypeText(type));
  if (!value.empty()) absl::StrAppend(&out, ": ", value);
  if (!detail.empty()) absl::StrAppend(&out, ": ", detail);
  return out;
}

std::string Quote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

FieldError Required(const FieldPath& path, absl::string_view detail) {
  return {FieldError::Type::kRequired, path.str(), "", std::string(detail)};
}

FieldError Invalid(const FieldPath& path, absl::string_view rendered_value,
                   absl::string_view detail) {
  return {FieldError::Type::kInvalid, path.str(), std::string(rendered_value), std::string(detail)};
}

FieldError Forbidden(const FieldPath& path, absl::string_view detail) {
  return {FieldError::Type::kForbidden, path.str(), "", std::string(detail)};
}

FieldError Duplicate(const FieldPath& path, absl::string_view rendered_value) {
  return {FieldError::Type::kDuplicate, path.str(), std::string(rendered_value), ""};
}

FieldError TooLong(const FieldPath& path, absl::string_view rendered_value, int max_length) {
  return {FieldError::Type::kTooLong, path.str(), "",
          absl::StrCat("may not be more than ", max_length, " bytes")};
}

FieldError NotSupported(const FieldPath& path, absl::string_view value,
                        const std::vector<std::string>& supported) {
  std::vector<std::string> quoted;
  for (const auto& s : supported) quoted.push_back(Quote(s));
  return {FieldError::Type::kUnsupported, path.str(), Quote(value),
          absl::StrCat("supported values: ", absl::StrJoin(quoted, ", "))};
}

absl::Status InvalidError(absl::string_view qualified_kind, absl::string_view name,
                          const FieldErrors& errors) {
  std::vector<std::string> texts;
  google::rpc::BadRequest bad_request;
  for (const auto& e : errors) {
    texts.push_back(e.ToString());
    auto* v = bad_request.add_field_violations();
    v->set_field(e.field);
    v->set_description(e.ToString());
  }
  std::string joined =
      texts.size() == 1 ? texts[0] : absl::StrCat("[", absl::StrJoin(texts, ", "), "]");
  absl::Status status = absl::InvalidArgumentError(
      absl::StrCat(qualified_kind, " ", Quote(name), " is invalid: ", joined));
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(bad_request.SerializeAsString()));
  return status;
}

std::vector<std::pair<std::string, std::string>> FieldViolations(const absl::Status& status) {
  std::vector<std::pair<std::string, std::string>> out;
  auto bad_request = DetailOf<google::rpc::BadRequest>(status, kBadRequestTypeUrl);
  if (!bad_request) return out;
  for (const auto& v : bad_request->field_violations())
    out.emplace_back(v.field(), v.description());
  return out;
}

}  // namespace ordo::status
