// Validation of the pieces every kind shares: ObjectMeta, labels, selectors,
// quantities, int-or-string values.

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/labels/selector.h"
#include "common/naming/naming.h"
#include "common/quantity/quantity.h"
#include "services/api-server/validation.h"

namespace ordo::apiserver {

using status::Forbidden;
using status::Invalid;
using status::NotSupported;
using status::Quote;
using status::Required;

namespace {

std::vector<std::string> Dns1035Label(absl::string_view v) {
  std::vector<std::string> errs;
  if (v.size() > 63) errs.push_back("must be no more than 63 characters");
  bool ok = !v.empty() && absl::ascii_islower(v.front()) &&
            (absl::ascii_islower(v.back()) || absl::ascii_isdigit(v.back()));
  for (char c : v) ok = ok && (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-');
  if (!ok) {
    errs.push_back(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
        "an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
        "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
  }
  return errs;
}

}  // namespace

void Append(FieldErrors& errs, FieldErrors more) {
  errs.insert(errs.end(), std::make_move_iterator(more.begin()),
              std::make_move_iterator(more.end()));
}

FieldErrors ValidateObjectMeta(const meta::v1::ObjectMeta& meta, bool namespaced, NameRule rule,
                               const FieldPath& path) {
  FieldErrors errs;
  if (meta.name().empty()) {
    errs.push_back(Required(path.Child("name"), "name or generateName is required"));
  } else {
    std::vector<std::string> problems;
    switch (rule) {
      case NameRule::kDns1123Label:
        problems = naming::IsDns1123Label(meta.name());
        break;
      case NameRule::kDns1123Subdomain:
        problems = naming::IsDns1123Subdomain(meta.name());
        break;
      case NameRule::kDns1035Label:
        problems = Dns1035Label(meta.name());
        break;
      case NameRule::kPathSegment:
        // RBAC's names ("system:kube-scheduler"): anything a URL path
        // segment can hold, as Kubernetes' path.IsValidPathSegmentName.
        if (meta.name() == "." || meta.name() == "..") {
          problems.push_back(absl::StrCat("may not be '", meta.name(), "'"));
        }
        for (const char* bad : {"/", "%"}) {
          if (absl::StrContains(meta.name(), bad)) {
            problems.push_back(absl::StrCat("may not contain '", bad, "'"));
          }
        }
        break;
    }
    for (const auto& p : problems)
      errs.push_back(Invalid(path.Child("name"), Quote(meta.name()), p));
  }
  if (namespaced) {
    if (meta.namespace_().empty()) {
      errs.push_back(Required(path.Child("namespace")));
    } else {
      for (const auto& p : naming::IsDns1123Label(meta.namespace_())) {
        errs.push_back(Invalid(path.Child("namespace"), Quote(meta.namespace_()), p));
      }
    }
  }
  auto labels = ValidateLabels(meta.labels(), path.Child("labels"));
  errs.insert(errs.end(), labels.begin(), labels.end());
  size_t annotation_bytes = 0;
  for (const auto& [k, v] : meta.annotations()) {
    for (const auto& p : naming::IsQualifiedName(absl::AsciiStrToLower(k))) {
      errs.push_back(Invalid(path.Child("annotations"), Quote(k), p));
    }
    annotation_bytes += k.size() + v.size();
  }
  if (annotation_bytes > 256 * 1024) {
    errs.push_back(status::TooLong(path.Child("annotations"), "", 256 * 1024));
  }
  for (int i = 0; i < meta.owner_references_size(); ++i) {
    const auto& ref = meta.owner_references(i);
    FieldPath p = path.Child("ownerReferences").Index(i);
    if (ref.api_version().empty())
      errs.push_back(Invalid(p.Child("apiVersion"), Quote(""), "version must not be empty"));
    if (ref.kind().empty())
      errs.push_back(Invalid(p.Child("kind"), Quote(""), "kind must not be empty"));
    if (ref.name().empty())
      errs.push_back(Invalid(p.Child("name"), Quote(""), "name must not be empty"));
    if (ref.uid().empty())
      errs.push_back(Invalid(p.Child("uid"), Quote(""), "uid must not be empty"));
  }
  int controllers = 0;
  for (const auto& ref : meta.owner_references()) controllers += ref.controller() ? 1 : 0;
  if (controllers > 1) {
    errs.push_back(Invalid(path.Child("ownerReferences"), "",
                           "Only one reference can have Controller set to true"));
  }
  for (int i = 0; i < meta.finalizers_size(); ++i) {
    for (const auto& p : naming::IsQualifiedName(meta.finalizers(i))) {
      errs.push_back(Invalid(path.Child("finalizers").Index(i), Quote(meta.finalizers(i)), p));
    }
  }
  return errs;
}

FieldErrors ValidateObjectMetaUpdate(const meta::v1::ObjectMeta& updated,
                                     const meta::v1::ObjectMeta& old, const FieldPath& path) {
  FieldErrors errs;
  if (updated.name() != old.name()) {
    errs.push_back(Invalid(path.Child("name"), Quote(updated.name()), "field is immutable"));
  }
  if (updated.namespace_() != old.namespace_()) {
    errs.push_back(
        Invalid(path.Child("namespace"), Quote(updated.namespace_()), "field is immutable"));
  }
  if (old.has_deletion_timestamp()) {
    for (const auto& f : updated.finalizers()) {
      if (std::find(old.finalizers().begin(), old.finalizers().end(), f) ==
          old.finalizers().end()) {
        errs.push_back(Forbidden(path.Child("finalizers"),
                                 absl::StrCat("no new finalizers can be added if the object is "
                                              "being deleted, found new finalizers [",
                                              Quote(f), "]")));
      }
    }
  }
  return errs;
}

FieldErrors ValidateLabels(const google::protobuf::Map<std::string, std::string>& labels,
                           const FieldPath& path) {
  FieldErrors errs;
  for (const auto& [k, v] : labels) {
    for (const auto& p : naming::IsQualifiedName(k)) errs.push_back(Invalid(path, Quote(k), p));
    for (const auto& p : naming::IsValidLabelValue(v)) {
      errs.push_back(Invalid(path.Key(k), Quote(v), p));
    }
  }
  return errs;
}

FieldErrors ValidateLabelSelector(const meta::v1::LabelSelector& selector, const FieldPath& path) {
  FieldErrors errs = ValidateLabels(selector.match_labels(), path.Child("matchLabels"));
  for (int i = 0; i < selector.match_expressions_size(); ++i) {
    const auto& e = selector.match_expressions(i);
    FieldPath p = path.Child("matchExpressions").Index(i);
    for (const auto& prob : naming::IsQualifiedName(e.key())) {
      errs.push_back(Invalid(p.Child("key"), Quote(e.key()), prob));
    }
    if (e.operator_() == "In" || e.operator_() == "NotIn") {
      if (e.values_size() == 0) {
        errs.push_back(
            Required(p.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
    } else if (e.operator_() == "Exists" || e.operator_() == "DoesNotExist") {
      if (e.values_size() > 0) {
        errs.push_back(Forbidden(p.Child("values"),
                                 "may not be specified when `operator` is 'Exists' or "
                                 "'DoesNotExist'"));
      }
    } else {
      errs.push_back(
          Invalid(p.Child("operator"), Quote(e.operator_()), "not a valid selector operator"));
    }
  }
  return errs;
}

FieldErrors ValidateNonNegative(int64_t value, const FieldPath& path) {
  if (value >= 0) return {};
  return {Invalid(path, absl::StrCat(value), "must be greater than or equal to 0")};
}

FieldErrors ValidateResourceList(const google::protobuf::Map<std::string, std::string>& resources,
                                 const FieldPath& path) {
  FieldErrors errs;
  for (const auto& [name, value] : resources) {
    for (const auto& p : naming::IsQualifiedName(name)) {
      errs.push_back(Invalid(path.Key(name), Quote(name), p));
    }
    if (!quantity::IsWellFormed(value)) {
      errs.push_back(Invalid(path.Key(name), Quote(value),
                             "quantities must match the regular expression "
                             "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
    } else if (absl::StartsWith(value, "-")) {
      errs.push_back(Invalid(path.Key(name), Quote(value), "must be greater than or equal to 0"));
    }
  }
  return errs;
}

std::string RenderIntOrString(const google::protobuf::Value& value) {
  if (value.has_number_value()) return absl::StrCat(value.number_value());
  if (value.has_string_value()) return Quote(value.string_value());
  return "null";
}

FieldErrors ValidateIntOrPercent(const google::protobuf::Value& value, const FieldPath& path) {
  if (value.has_number_value()) {
    double n = value.number_value();
    if (n != static_cast<double>(static_cast<int64_t>(n))) {
      return {Invalid(path, RenderIntOrString(value), "must be an integer")};
    }
    return ValidateNonNegative(static_cast<int64_t>(n), path);
  }
  if (value.has_string_value()) {
    absl::string_view s = value.string_value();
    int pct = 0;
    if (!absl::ConsumeSuffix(&s, "%") || !absl::SimpleAtoi(s, &pct) || s.empty() ||
        !absl::ascii_isdigit(s.front())) {
      return {Invalid(path, RenderIntOrString(value),
                      "a valid percent string must be a numeric string followed by an ending "
                      "'%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")};
    }
    return {};
  }
  return {Invalid(path, RenderIntOrString(value), "must be an integer or percentage (e.g '5%')")};
}

FieldErrors ValidatePortNumOrName(const google::protobuf::Value& value, const FieldPath& path) {
  if (value.has_number_value()) {
    double n = value.number_value();
    if (n < 1 || n > 65535 || n != static_cast<double>(static_cast<int>(n))) {
      return {Invalid(path, RenderIntOrString(value), "must be between 1 and 65535, inclusive")};
    }
    return {};
  }
  if (value.has_string_value()) {
    const std::string& s = value.string_value();
    bool ok = !s.empty() && s.size() <= 15;
    bool has_letter = false;
    for (char c : s) {
      ok = ok && (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-');
      has_letter = has_letter || absl::ascii_islower(c);
    }
    ok = ok && has_letter && s.front() != '-' && s.back() != '-' &&
         s.find("--") == std::string::npos;
    if (!ok) {
      return {Invalid(path, Quote(s),
                      "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), at "
                      "most 15 characters, with at least one letter")};
    }
    return {};
  }
  return {Required(path)};
}

FieldErrors ValidateOneOf(absl::string_view value, const std::vector<std::string>& allowed,
                          const FieldPath& path, bool allow_empty) {
  if (value.empty()) {
    if (allow_empty) return {};
    return {Required(path)};
  }
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return {};
  return {NotSupported(path, value, allowed)};
}

}  // namespace ordo::apiserver
