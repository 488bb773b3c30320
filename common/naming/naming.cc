#include "common/naming/naming.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ordo::naming {
namespace {

bool IsLowerAlnum(char c) { return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'z'); }

bool MatchesLabel(absl::string_view v) {
  if (v.empty() || !IsLowerAlnum(v.front()) || !IsLowerAlnum(v.back())) return false;
  for (char c : v) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`
bool MatchesName(absl::string_view v) {
  if (v.empty() || !absl::ascii_isalnum(v.front()) || !absl::ascii_isalnum(v.back())) return false;
  for (char c : v) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

std::string MaxLen(int n) { return absl::StrCat("must be no more than ", n, " characters"); }

constexpr char kLabelMsg[] =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
constexpr char kSubdomainMsg[] =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
constexpr char kNameMsg[] =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
constexpr char kValueMsg[] =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  "
    "or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

}  // namespace

std::vector<std::string> IsDns1123Label(absl::string_view value) {
  std::vector<std::string> errs;
  if (static_cast<int>(value.size()) > kDns1123LabelMaxLength) {
    errs.push_back(MaxLen(kDns1123LabelMaxLength));
  }
  if (!MatchesLabel(value)) errs.push_back(kLabelMsg);
  return errs;
}

std::vector<std::string> IsDns1123Subdomain(absl::string_view value) {
  std::vector<std::string> errs;
  if (static_cast<int>(value.size()) > kDns1123SubdomainMaxLength) {
    errs.push_back(MaxLen(kDns1123SubdomainMaxLength));
  }
  bool ok = !value.empty();
  for (absl::string_view part : absl::StrSplit(value, '.')) ok = ok && MatchesLabel(part);
  if (!ok) errs.push_back(kSubdomainMsg);
  return errs;
}

std::vector<std::string> IsQualifiedName(absl::string_view value) {
  std::vector<std::string> errs;
  std::vector<absl::string_view> parts = absl::StrSplit(value, '/');
  absl::string_view name;
  if (parts.size() == 1) {
    name = parts[0];
  } else if (parts.size() == 2) {
    if (parts[0].empty()) {
      errs.push_back("prefix part must be non-empty");
    } else {
      for (auto& e : IsDns1123Subdomain(parts[0])) errs.push_back("prefix part " + e);
    }
    name = parts[1];
  } else {
    errs.push_back(
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must "
        "start and end with an alphanumeric character, with an optional DNS subdomain prefix and "
        "'/' (e.g. 'example.com/MyName')");
    return errs;
  }
  if (name.empty()) {
    errs.push_back("name part must be non-empty");
  } else if (name.size() > 63) {
    errs.push_back("name part " + MaxLen(63));
  }
  if (!name.empty() && !MatchesName(name)) errs.push_back(kNameMsg);
  return errs;
}

std::vector<std::string> IsValidLabelValue(absl::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > 63) errs.push_back(MaxLen(63));
  if (!value.empty() && !MatchesName(value)) errs.push_back(kValueMsg);
  return errs;
}

}  // namespace ordo::naming
