// Label and field selectors as Kubernetes defines them. A LabelSelector is a
// conjunction of requirements (`app=web`, `tier!=db`, `env in (a,b)`,
// `env notin (c)`, `gpu`, `!legacy`), parsed from kubectl's string syntax or
// built from a meta.v1.LabelSelector; Matches() tests a label map. A
// FieldSelector is a conjunction of `path=value` / `path!=value` terms over an
// object's fields. Immutable after construction; safe to share across threads.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/map.h"
#include "ordo/meta/v1/meta.pb.h"

namespace ordo::labels {

struct Requirement {
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Op op;
  std::vector<std::string> values;
};

class LabelSelector {
 public:
  // Matches everything.
  LabelSelector() = default;
  // INVALID_ARGUMENT naming the bad term.
  static absl::StatusOr<LabelSelector> Parse(absl::string_view text);
  static absl::StatusOr<LabelSelector> FromProto(const ordo::meta::v1::LabelSelector& selector);

  bool Matches(const google::protobuf::Map<std::string, std::string>& labels) const;
  bool Empty() const { return requirements_.empty(); }
  // kubectl's string form, e.g. "app=web,tier in (a,b)".
  std::string ToString() const;
  const std::vector<Requirement>& requirements() const { return requirements_; }

 private:
  std::vector<Requirement> requirements_;
};

struct FieldTerm {
  std::string path;  // JSON path, "spec.nodeName"
  std::string value;
  bool negated = false;
};

class FieldSelector {
 public:
  FieldSelector() = default;
  static absl::StatusOr<FieldSelector> Parse(absl::string_view text);
  bool Empty() const { return terms_.empty(); }
  const std::vector<FieldTerm>& terms() const { return terms_; }

 private:
  std::vector<FieldTerm> terms_;
};

}  // namespace ordo::labels
