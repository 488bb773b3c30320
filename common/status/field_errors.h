// Field-level validation errors in Kubernetes' shape (apimachinery's field.Error):
// each names a JSON field path, a type, the offending value and a detail, and
// prints as `spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
// A FieldErrors list becomes one INVALID_ARGUMENT absl::Status whose message is
// Kubernetes' `StatefulSet.apps "web" is invalid: ...` and whose payload is a
// google.rpc.BadRequest with one violation per error.
// Value types; not synchronised.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ordo::status {

// A JSON field path, built fluently: Path("spec").Child("template").Index(0).
class FieldPath {
 public:
  FieldPath() = default;
  explicit FieldPath(absl::string_view root) : path_(root) {}
  FieldPath Child(absl::string_view name) const;
  FieldPath Index(int i) const;
  FieldPath Key(absl::string_view key) const;
  const std::string& str() const { return path_; }

 private:
  std::string path_;
};

struct FieldError {
  enum class Type {
    kRequired,
    kInvalid,
    kForbidden,
    kUnsupported,
    kDuplicate,
    kTooLong,
    kNotFound
  };
  Type type;
  std::string field;
  std::string value;  // already rendered: quoted strings, bare numbers; empty when irrelevant
  std::string detail;

  // `field: Type text[: value][: detail]` as Kubernetes prints it.
  std::string ToString() const;
};

using FieldErrors = std::vector<FieldError>;

// Constructors in Kubernetes' vocabulary.
FieldError Required(const FieldPath& path, absl::string_view detail = "");
FieldError Invalid(const FieldPath& path, absl::string_view rendered_value,
                   absl::string_view detail);
FieldError Forbidden(const FieldPath& path, absl::string_view detail);
FieldError Duplicate(const FieldPath& path, absl::string_view rendered_value);
FieldError TooLong(const FieldPath& path, absl::string_view rendered_value, int max_length);
FieldError NotSupported(const FieldPath& path, absl::string_view value,
                        const std::vector<std::string>& supported);

// Renders a string value the way Go's %q does for plain text: "value".
std::string Quote(absl::string_view s);

// `Kind.group "name" is invalid: ...` with a BadRequest payload. `qualified_kind` is
// e.g. "StatefulSet.apps" or "Pod" for the core group. REQUIRES: !errors.empty().
absl::Status InvalidError(absl::string_view qualified_kind, absl::string_view name,
                          const FieldErrors& errors);

// The BadRequest payload type URL used on INVALID_ARGUMENT statuses.
inline constexpr char kBadRequestTypeUrl[] = "type.googleapis.com/google.rpc.BadRequest";

// Reads the field violations back out of a status (empty when there are none).
std::vector<std::pair<std::string, std::string>> FieldViolations(const absl::Status& status);

}  // namespace ordo::status
