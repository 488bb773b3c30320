#include "common/labels/selector.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/naming/naming.h"

namespace ordo::labels {
namespace {

std::string Quote(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

absl::Status BadSelector(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("unable to parse requirement: ", Quote(text), ": ", why));
}

absl::Status CheckKey(absl::string_view key) {
  auto errs = naming::IsQualifiedName(key);
  if (errs.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("invalid label key ", Quote(key), ": ", absl::StrJoin(errs, "; ")));
}

absl::Status CheckValue(absl::string_view value) {
  auto errs = naming::IsValidLabelValue(value);
  if (errs.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("invalid label value: ", Quote(value), ": ", absl::StrJoin(errs, "; ")));
}

// Splits on commas that are not inside parentheses.
std::vector<std::string> SplitTerms(absl::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

absl::StatusOr<Requirement> ParseTerm(absl::string_view raw) {
  absl::string_view term = absl::StripAsciiWhitespace(raw);
  if (term.empty()) return BadSelector(raw, "empty requirement");
  Requirement r;
  if (absl::ConsumePrefix(&term, "!")) {
    r.key = std::string(absl::StripAsciiWhitespace(term));
    r.op = Requirement::Op::kDoesNotExist;
  } else if (size_t set = term.find_first_of("("); set != absl::string_view::npos) {
    // key in (a,b) / key notin (a,b)
    if (term.back() != ')') return BadSelector(raw, "expected ')'");
    std::vector<absl::string_view> words =
        absl::StrSplit(term.substr(0, set), ' ', absl::SkipWhitespace());
    if (words.size() != 2 || (words[1] != "in" && words[1] != "notin")) {
      return BadSelector(raw, "expected 'key in (values)' or 'key notin (values)'");
    }
    r.key = std::string(words[0]);
    r.op = words[1] == "in" ? Requirement::Op::kIn : Requirement::Op::kNotIn;
    for (absl::string_view v : absl::StrSplit(term.substr(set + 1, term.size() - set - 2), ',')) {
      r.values.emplace_back(absl::StripAsciiWhitespace(v));
    }
  } else if (size_t ne = term.find("!="); ne != absl::string_view::npos) {
    r.key = std::string(absl::StripAsciiWhitespace(term.substr(0, ne)));
    r.op = Requirement::Op::kNotEquals;
    r.values.emplace_back(absl::StripAsciiWhitespace(term.substr(ne + 2)));
  } else if (size_t eq = term.find('='); eq != absl::string_view::npos) {
    size_t width = term.substr(eq).rfind("==", 0) == 0 ? 2 : 1;
    r.key = std::string(absl::StripAsciiWhitespace(term.substr(0, eq)));
    r.op = Requirement::Op::kEquals;
    r.values.emplace_back(absl::StripAsciiWhitespace(term.substr(eq + width)));
  } else {
    r.key = std::string(term);
    r.op = Requirement::Op::kExists;
  }
  if (absl::Status s = CheckKey(r.key); !s.ok()) return s;
  for (const auto& v : r.values) {
    if (absl::Status s = CheckValue(v); !s.ok()) return s;
  }
  return r;
}

std::string OpText(Requirement::Op op) {
  switch (op) {
    case Requirement::Op::kEquals:
      return "=";
    case Requirement::Op::kNotEquals:
      return "!=";
    case Requirement::Op::kIn:
      return " in ";
    case Requirement::Op::kNotIn:
      return " notin ";
    default:
      return "";
  }
}

}  // namespace

absl::StatusOr<LabelSelector> LabelSelector::Parse(absl::string_view text) {
  LabelSelector selector;
  if (absl::StripAsciiWhitespace(text).empty()) return selector;
  for (const std::string& term : SplitTerms(text)) {
    auto r = ParseTerm(term);
    if (!r.ok()) return r.status();
    selector.requirements_.push_back(*std::move(r));
  }
  return selector;
}

absl::StatusOr<LabelSelector> LabelSelector::FromProto(const ordo::meta::v1::LabelSelector& proto) {
  LabelSelector selector;
  std::vector<std::pair<std::string, std::string>> sorted(proto.match_labels().begin(),
                                                          proto.match_labels().end());
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [k, v] : sorted) {
    if (absl::Status s = CheckKey(k); !s.ok()) return s;
    if (absl::Status s = CheckValue(v); !s.ok()) return s;
    selector.requirements_.push_back({k, Requirement::Op::kEquals, {v}});
  }
  for (const auto& e : proto.match_expressions()) {
    if (absl::Status s = CheckKey(e.key()); !s.ok()) return s;
    Requirement r{e.key(), Requirement::Op::kIn, {e.values().begin(), e.values().end()}};
    if (e.operator_() == "In") {
      r.op = Requirement::Op::kIn;
    } else if (e.operator_() == "NotIn") {
      r.op = Requirement::Op::kNotIn;
    } else if (e.operator_() == "Exists") {
      r.op = Requirement::Op::kExists;
    } else if (e.operator_() == "DoesNotExist") {
      r.op = Requirement::Op::kDoesNotExist;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(Quote(e.operator_()), " is not a valid label selector operator"));
    }
    bool wants_values = r.op == Requirement::Op::kIn || r.op == Requirement::Op::kNotIn;
    if (wants_values && r.values.empty()) {
      return absl::InvalidArgumentError(
          "values: must be specified when `operator` is 'In' or 'NotIn'");
    }
    if (!wants_values && !r.values.empty()) {
      return absl::InvalidArgumentError(
          "values: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    }
    selector.requirements_.push_back(std::move(r));
  }
  return selector;
}

bool LabelSelector::Matches(const google::protobuf::Map<std::string, std::string>& labels) const {
  for (const Requirement& r : requirements_) {
    auto it = labels.find(r.key);
    bool has = it != labels.end();
    auto in_values = [&] {
      return has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    };
    switch (r.op) {
      case Requirement::Op::kEquals:
      case Requirement::Op::kIn:
        if (!in_values()) return false;
        break;
      case Requirement::Op::kNotEquals:
      case Requirement::Op::kNotIn:
        if (in_values()) return false;
        break;
      case Requirement::Op::kExists:
        if (!has) return false;
        break;
      case Requirement::Op::kDoesNotExist:
        if (has) return false;
        break;
    }
  }
  return true;
}

std::string LabelSelector::ToString() const {
  std::vector<std::string> parts;
  for (const Requirement& r : requirements_) {
    switch (r.op) {
      case Requirement::Op::kExists:
        parts.push_back(r.key);
        break;
      case Requirement::Op::kDoesNotExist:
        parts.push_back("!" + r.key);
        break;
      case Requirement::Op::kIn:
      case Requirement::Op::kNotIn:
        parts.push_back(absl::StrCat(r.key, OpText(r.op), "(", absl::StrJoin(r.values, ","), ")"));
        break;
      default:
        parts.push_back(absl::StrCat(r.key, OpText(r.op), r.values.front()));
    }
  }
  return absl::StrJoin(parts, ",");
}

absl::StatusOr<FieldSelector> FieldSelector::Parse(absl::string_view text) {
  FieldSelector selector;
  if (absl::StripAsciiWhitespace(text).empty()) return selector;
  for (absl::string_view raw : absl::StrSplit(text, ',')) {
    absl::string_view term = absl::StripAsciiWhitespace(raw);
    FieldTerm t;
    size_t ne = term.find("!=");
    size_t eq = term.find('=');
    if (ne != absl::string_view::npos) {
      t.path = std::string(term.substr(0, ne));
      t.value = std::string(term.substr(ne + 2));
      t.negated = true;
    } else if (eq != absl::string_view::npos) {
      size_t width = term.substr(eq).rfind("==", 0) == 0 ? 2 : 1;
      t.path = std::string(term.substr(0, eq));
      t.value = std::string(term.substr(eq + width));
    } else {
      return absl::InvalidArgumentError(absl::StrCat("invalid field selector: ", Quote(term),
                                                     ": expected path=value or path!=value"));
    }
    if (t.path.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid field selector: ", Quote(term), ": empty field path"));
    }
    selector.terms_.push_back(std::move(t));
  }
  return selector;
}

}  // namespace ordo::labels
